#include "process/connection.hpp"

#include "unit/process/connection_fixture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <sys/socket.h>

namespace pscgi::process::testing {
namespace {

// The fast path: the whole request is there at accept, so every step runs in start() and the
// connection is closed before it returns, without Asio.
TEST_F(ConnectionTest, ARequestInOnePieceIsAnsweredAndClosedWithoutWaiting) {
  connect();
  send_text(request_bytes("name=value"));

  EXPECT_EQ(connection->start(), Progress::answered);
  EXPECT_EQ(connection->step(), Step::closed);
  EXPECT_EQ(connection->fd(), -1);

  const std::string answer = read_to_end();
  EXPECT_EQ(status_line(answer), "Status: 200 OK");
  EXPECT_TRUE(answer.ends_with("\r\n\r\nxxxxx")) << answer;
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0], "name=value");
  EXPECT_TRUE(async_ends.empty());
  EXPECT_EQ(io.poll(), 0u) << "nothing was left for Asio";
}

// nginx's connect can reach the worker before its write: the connection waits in `reading` (the
// worker parks it) and takes each piece as it comes, one byte at a time here.
TEST_F(ConnectionTest, ARequestInManyPiecesWaitsInReadingForEachPiece) {
  connect();
  EXPECT_EQ(connection->start(), Progress::waiting_for_request);
  EXPECT_EQ(connection->step(), Step::reading);

  const std::string request = request_bytes("abc");
  for (std::size_t i = 0; i + 1 < request.size(); ++i) {
    send_text(request.substr(i, 1));
    ASSERT_EQ(connection->resume(), Progress::waiting_for_request) << "after byte " << i;
    ASSERT_EQ(connection->step(), Step::reading);
  }
  EXPECT_TRUE(bodies.empty());
  send_text(request.substr(request.size() - 1));

  EXPECT_EQ(connection->resume(), Progress::answered);
  EXPECT_EQ(connection->step(), Step::closed);
  EXPECT_EQ(status_line(read_to_end()), "Status: 200 OK");
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0], "abc");
}

// A resume without new bytes (a spurious wake-up) changes nothing.
TEST_F(ConnectionTest, AResumeWithNothingToReadKeepsWaiting) {
  connect();
  send_text(request_bytes("abc").substr(0, 10));
  EXPECT_EQ(connection->start(), Progress::waiting_for_request);
  EXPECT_EQ(connection->resume(), Progress::waiting_for_request);
  EXPECT_EQ(connection->step(), Step::reading);
  EXPECT_TRUE(bodies.empty());
}

// nginx may open a connection it never uses: closing it before a byte is no request and no error.
TEST_F(ConnectionTest, APeerThatClosesBeforeSendingAnythingEndsSilently) {
  connect();
  ::shutdown(peer, SHUT_WR);

  EXPECT_EQ(connection->start(), Progress::silent);
  EXPECT_EQ(connection->step(), Step::closed);
  EXPECT_EQ(read_to_end(), "");
  EXPECT_TRUE(bodies.empty());
}

TEST_F(ConnectionTest, APeerThatClosesWhileParkedEndsSilently) {
  connect();
  EXPECT_EQ(connection->start(), Progress::waiting_for_request);
  ::shutdown(peer, SHUT_WR);

  EXPECT_EQ(connection->resume(), Progress::silent);
  EXPECT_EQ(connection->step(), Step::closed);
}

// The peer closed its side mid-request: it has nothing more to send, so the 400 is written and the
// socket closed at once, with no lingering.
TEST_F(ConnectionTest, APeerThatClosesMidRequestGetsA400AndAClose) {
  connect();
  const std::string request = request_bytes("abc");
  send_text(request.substr(0, request.size() - 2));
  EXPECT_EQ(connection->start(), Progress::waiting_for_request);
  ::shutdown(peer, SHUT_WR);

  EXPECT_EQ(connection->resume(), Progress::answered);
  EXPECT_EQ(connection->step(), Step::closed);
  EXPECT_EQ(status_line(read_to_end()), "Status: 400 Bad Request");
  EXPECT_TRUE(bodies.empty());
}

// The read deadline belongs to the worker (it parks the socket); when it passes, expire() answers
// 408 and lingers, since a slow peer may still be sending.
TEST_F(ConnectionTest, AStalledPeerGetsA408WhenItsDeadlinePasses) {
  connect();
  send_text(request_bytes("abc").substr(0, 7));
  EXPECT_EQ(connection->start(), Progress::waiting_for_request);
  EXPECT_EQ(connection->read_deadline(), accepted_at + read_timeout);

  EXPECT_EQ(connection->expire(), Progress::in_asio);
  EXPECT_EQ(connection->step(), Step::lingering);
  EXPECT_EQ(status_line(read_to_end()), "Status: 408 Request Timeout");

  ::close(peer);
  peer = -1;
  io.run();
  EXPECT_EQ(connection->step(), Step::closed);
  EXPECT_EQ(async_ends, std::vector<Progress>{Progress::answered});
  EXPECT_TRUE(bodies.empty());
}

// Every connection of a worker reads into the same scratch buffer, so pieces of one request must
// not be disturbed by another connection's reads in between.
TEST_F(ConnectionTest, TwoConnectionsReadingInTurnsKeepTheirOwnRequests) {
  connect();
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  set_nonblocking(fds[0]);
  auto other = std::make_shared<Connection>(*context, fds[0], Clock::now(), 2);
  const std::string first = request_bytes("first");
  const std::string second = request_bytes("second");

  send_text(first.substr(0, 20));
  ASSERT_EQ(::send(fds[1], second.data(), 20, 0), 20);
  EXPECT_EQ(connection->start(), Progress::waiting_for_request);
  EXPECT_EQ(other->start(), Progress::waiting_for_request);
  ASSERT_EQ(::send(fds[1], second.data() + 20, second.size() - 20, 0), static_cast<ssize_t>(second.size() - 20));
  EXPECT_EQ(other->resume(), Progress::answered);
  send_text(first.substr(20));
  EXPECT_EQ(connection->resume(), Progress::answered);

  EXPECT_EQ(bodies, (std::vector<std::string>{"second", "first"}));
  ::close(fds[1]);
}

}  // namespace
}  // namespace pscgi::process::testing
