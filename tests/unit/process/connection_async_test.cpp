#include "process/connection.hpp"

#include "unit/process/connection_fixture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <sys/socket.h>
#include <thread>

namespace pscgi::process::testing {
namespace {

// The kernel's socket buffers must be far smaller than the answer, so that its write would block.
constexpr std::size_t big_answer = 4 * 1024 * 1024;

class ConnectionWritingTest : public ConnectionTest {
 protected:
  void SetUp() override {
    answer_size = big_answer;
    connect();
    const int small = 4096;
    ASSERT_EQ(::setsockopt(connection->fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
    send_text(request_bytes());
  }
};

TEST_F(ConnectionWritingTest, AWriteThatWouldBlockWaitsInAsioUntilThePeerReads) {
  EXPECT_EQ(connection->start(), Progress::in_asio);
  EXPECT_EQ(connection->step(), Step::writing);
  io.poll();  // the peer has not read anything: the socket is not writable
  EXPECT_EQ(connection->step(), Step::writing);
  EXPECT_TRUE(async_ends.empty());

  std::string answer;
  std::thread reader([&] { answer = read_to_end(); });
  io.run();
  reader.join();

  EXPECT_EQ(connection->step(), Step::closed);
  EXPECT_EQ(async_ends, std::vector<Progress>{Progress::answered});
  EXPECT_EQ(status_line(answer), "Status: 200 OK");
  ASSERT_GT(answer.size(), big_answer);
  EXPECT_EQ(answer.find_first_not_of('x', answer.size() - big_answer), std::string::npos);
  EXPECT_EQ(answer.substr(answer.size() - big_answer - 4, 4), "\r\n\r\n");
}

// A zero write_timeout is already due when the write first blocks: the timer cuts the connection.
TEST_F(ConnectionWritingTest, AnAnswerThePeerNeverTakesIsCutAtTheWriteTimeout) {
  context->write_timeout = Clock::duration::zero();
  EXPECT_EQ(connection->start(), Progress::in_asio);
  io.run();

  EXPECT_EQ(connection->step(), Step::closed);
  EXPECT_EQ(async_ends, std::vector<Progress>{Progress::answered});
  const std::string answer = read_to_end();
  EXPECT_EQ(status_line(answer), "Status: 200 OK");
  EXPECT_LT(answer.size(), big_answer);
}

TEST_F(ConnectionWritingTest, AnAbortedConnectionClosesWithoutReportingAnEnd) {
  EXPECT_EQ(connection->start(), Progress::in_asio);
  connection->abort();
  io.run();

  EXPECT_EQ(connection->step(), Step::closed);
  EXPECT_TRUE(async_ends.empty());
  EXPECT_LT(read_to_end().size(), big_answer);
}

// The body is over limits.max_body_bytes: the header alone says so, and the 413 goes out while the
// peer is still sending. The connection shuts its side and lingers, reading and discarding, until
// the peer has sent everything and closed; closing earlier would reset the peer's send.
TEST_F(ConnectionTest, AnEarlyAnswerLingersUntilThePeerHasSentEverything) {
  connect();
  const std::string body(1000, 'b');
  const std::string request = request_bytes(body);
  send_text(request.substr(0, request.size() - 900));

  EXPECT_EQ(connection->start(), Progress::in_asio);
  EXPECT_EQ(connection->step(), Step::lingering);
  EXPECT_EQ(status_line(read_to_end()), "Status: 413 Content Too Large");

  send_text(request.substr(request.size() - 900, 500));
  io.poll();
  EXPECT_EQ(connection->step(), Step::lingering) << "still lingering while the peer sends";
  send_text(request.substr(request.size() - 400));
  io.poll();
  EXPECT_EQ(connection->step(), Step::lingering);
  EXPECT_TRUE(async_ends.empty());

  ::shutdown(peer, SHUT_WR);
  io.run();
  EXPECT_EQ(connection->step(), Step::closed);
  EXPECT_EQ(async_ends, std::vector<Progress>{Progress::answered});
  EXPECT_TRUE(bodies.empty());
}

// The linger is bounded (by limits.read_timeout here, zero): a peer that never closes is cut.
TEST_F(ConnectionTest, ALingeringPeerThatNeverClosesIsCutAtTheLingerDeadline) {
  read_timeout = Clock::duration::zero();
  connect();
  send_text(request_bytes(std::string(1000, 'b')).substr(0, 100));

  EXPECT_EQ(connection->start(), Progress::in_asio);
  EXPECT_EQ(connection->step(), Step::lingering);
  io.run();

  EXPECT_EQ(connection->step(), Step::closed);
  EXPECT_EQ(async_ends, std::vector<Progress>{Progress::answered});
  EXPECT_EQ(status_line(read_to_end()), "Status: 413 Content Too Large");
}

// Bytes after a complete request: the peer did not stop where it should, so the connection
// answers, then lingers rather than close on unread input.
TEST_F(ConnectionTest, BytesAfterTheRequestMakeTheConnectionLingerAfterItsAnswer) {
  connect();
  send_text(request_bytes("abc") + "trailing");

  EXPECT_EQ(connection->start(), Progress::in_asio);
  EXPECT_EQ(connection->step(), Step::lingering);
  EXPECT_EQ(status_line(read_to_end()), "Status: 200 OK");
  ::close(peer);
  peer = -1;
  io.run();
  EXPECT_EQ(async_ends, std::vector<Progress>{Progress::answered});
  EXPECT_EQ(bodies, std::vector<std::string>{"abc"});
}

}  // namespace
}  // namespace pscgi::process::testing
