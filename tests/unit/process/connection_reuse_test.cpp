// The worker reuses a connection that ended without waiting in Asio (Connection::reopen): the
// reopened one must serve its new socket exactly as a new connection would.

#include "process/connection.hpp"

#include "unit/process/connection_fixture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <sys/socket.h>

namespace pscgi::process::testing {
namespace {

class ConnectionReuseTest : public ConnectionTest {
 protected:
  /// A new socketpair: the connection gets one end through reopen(), the test the other as `peer`.
  void reopen_on_new_socket(std::uint64_t serial) {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    set_nonblocking(fds[0]);
    ::close(peer);
    peer = fds[1];
    timeval limit{5, 0};
    ASSERT_EQ(::setsockopt(peer, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)), 0);
    ASSERT_TRUE(connection->reusable());
    connection->reopen(fds[0], Clock::now(), serial);
  }
};

TEST_F(ConnectionReuseTest, AReopenedConnectionServesItsNewSocketFromTheStart) {
  connect();
  send_text(request_bytes("first"));
  ASSERT_EQ(connection->start(), Progress::answered);
  ASSERT_EQ(status_line(read_to_end()), "Status: 200 OK");

  reopen_on_new_socket(2);
  EXPECT_EQ(connection->step(), Step::reading);
  EXPECT_EQ(connection->serial(), 2u);
  EXPECT_GE(connection->fd(), 0);
  // In two pieces, so that the reopened parser is seen to start from nothing and to wait.
  const std::string request = request_bytes("second");
  send_text(request.substr(0, 7));
  EXPECT_EQ(connection->start(), Progress::waiting_for_request);
  send_text(request.substr(7));
  EXPECT_EQ(connection->resume(), Progress::answered);
  const std::string answer = read_to_end();
  EXPECT_EQ(status_line(answer), "Status: 200 OK");
  EXPECT_TRUE(answer.ends_with("\r\n\r\nxxxxx")) << answer;
  EXPECT_EQ(bodies, (std::vector<std::string>{"first", "second"}));
  EXPECT_TRUE(async_ends.empty());
}

// A peer that closes before sending anything is silent, not answered: nothing of the previous
// request's answer may make the reopened connection look answered.
TEST_F(ConnectionReuseTest, AReopenedConnectionWhosePeerSendsNothingIsSilent) {
  connect();
  send_text(request_bytes("first"));
  ASSERT_EQ(connection->start(), Progress::answered);
  read_to_end();

  reopen_on_new_socket(2);
  ::shutdown(peer, SHUT_WR);
  EXPECT_EQ(connection->start(), Progress::silent);
  EXPECT_EQ(connection->step(), Step::closed);
}

// A connection that waited in Asio is not reusable: a handler may still hold it.
TEST_F(ConnectionReuseTest, AConnectionThatWaitedInAsioIsNotReusable) {
  connect();
  send_text(request_bytes("first") + "trailing bytes");  // answered early: it lingers
  ASSERT_EQ(connection->start(), Progress::in_asio) << "the peer has not closed: the connection lingers in Asio";
  EXPECT_FALSE(connection->reusable());
}

}  // namespace
}  // namespace pscgi::process::testing
