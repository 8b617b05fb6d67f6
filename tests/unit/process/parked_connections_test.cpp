#include "process/parked_connections.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace pscgi::process {
namespace {

using namespace std::chrono_literals;

// Connections on real sockets (the kernel hands out socket numbers as it would in a worker), on a
// fake clock: `t0` is any instant, and nothing here reads the real time.
class ParkedConnectionsTest : public ::testing::Test {
 protected:
  static constexpr Clock::duration read_timeout = 200ms;
  const Clock::time_point t0 = Clock::time_point{} + 1000h;
  boost::asio::io_context io;
  Pipeline pipeline;
  ConnectionContext context{io, pipeline, {4096, 64}, read_timeout, 10s, {}};
  std::vector<int> peers;
  std::uint64_t serial = 0;
  ParkedConnections parked;

  ~ParkedConnectionsTest() override {
    for (int fd : peers) ::close(fd);
  }

  std::shared_ptr<Connection> accept_at(Clock::time_point when) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) throw std::runtime_error("socketpair() failed");
    peers.push_back(fds[1]);
    return std::make_shared<Connection>(context, fds[0], when, ++serial);
  }
};

TEST_F(ParkedConnectionsTest, AReadableSocketTakesItsConnectionOut) {
  const auto connection = accept_at(t0);
  parked.park(connection, false);
  EXPECT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked.take(connection->fd() + 100), nullptr);
  EXPECT_EQ(parked.take(connection->fd()), connection);
  EXPECT_EQ(parked.size(), 0u);
  EXPECT_EQ(parked.take(connection->fd()), nullptr);
}

TEST_F(ParkedConnectionsTest, ConnectionsExpireAtTheirDeadlineInAcceptOrder) {
  const auto first = accept_at(t0);
  const auto second = accept_at(t0 + 10ms);
  parked.park(first, false);
  parked.park(second, false);
  EXPECT_EQ(parked.next_deadline(), t0 + read_timeout);

  EXPECT_EQ(parked.take_expired(t0 + read_timeout - 1ns), nullptr);
  EXPECT_EQ(parked.take_expired(t0 + read_timeout + 20ms), first);
  EXPECT_EQ(parked.take_expired(t0 + read_timeout + 20ms), second);
  EXPECT_EQ(parked.take_expired(t0 + read_timeout + 20ms), nullptr);
  EXPECT_EQ(parked.next_deadline(), std::nullopt);
}

// Its deadline runs from accept: parking it again after a piece of the request does not move it.
TEST_F(ParkedConnectionsTest, AConnectionParkedAgainKeepsItsFirstDeadline) {
  const auto connection = accept_at(t0);
  parked.park(connection, false);
  ASSERT_EQ(parked.take(connection->fd()), connection);
  parked.park(connection, true);

  EXPECT_EQ(parked.next_deadline(), t0 + read_timeout);
  EXPECT_EQ(parked.take_expired(t0 + read_timeout), connection);
  EXPECT_EQ(parked.next_deadline(), std::nullopt) << "one entry, not one per parking";
}

// The regression behind stray 408s under load: a connection parked, resumed and finished leaves
// its deadline in the queue; the next connection gets the same socket number (and often the same
// heap address). The old deadline must not expire it.
TEST_F(ParkedConnectionsTest, AStaleDeadlineNeverExpiresANewerConnectionOnTheSameSocket) {
  const auto blocker = accept_at(t0);  // heads the queue, so the stale entry stays queued
  parked.park(blocker, false);
  auto old = accept_at(t0 + 1ms);
  const int reused_fd = old->fd();
  parked.park(old, false);
  ASSERT_EQ(parked.take(reused_fd), old);
  old.reset();  // finished: its socket is closed and its number free again
  ::close(peers.back());
  peers.pop_back();

  const auto newer = accept_at(t0 + 100ms);
  ASSERT_EQ(newer->fd(), reused_fd) << "the kernel hands out the lowest free number";
  parked.park(newer, false);

  EXPECT_EQ(parked.take_expired(t0 + 1ms + read_timeout), blocker);
  EXPECT_EQ(parked.take_expired(t0 + 1ms + read_timeout), nullptr) << "expired on the old connection's deadline";
  EXPECT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked.next_deadline(), t0 + 100ms + read_timeout);
  EXPECT_EQ(parked.take_expired(t0 + 100ms + read_timeout), newer);
}

// An entry of a connection that moved on is dropped when it reaches the front, before its time.
TEST_F(ParkedConnectionsTest, EntriesOfConnectionsThatMovedOnAreDroppedEarly) {
  const auto gone = accept_at(t0);
  const auto waiting = accept_at(t0 + 50ms);
  parked.park(gone, false);
  parked.park(waiting, false);
  ASSERT_EQ(parked.take(gone->fd()), gone);

  EXPECT_EQ(parked.take_expired(t0), nullptr);
  EXPECT_EQ(parked.next_deadline(), t0 + 50ms + read_timeout);
}

TEST_F(ParkedConnectionsTest, TakingAllEmptiesTheQueue) {
  const auto a = accept_at(t0);
  const auto b = accept_at(t0);
  parked.park(a, false);
  parked.park(b, false);
  EXPECT_EQ(parked.take_all().size(), 2u);
  EXPECT_EQ(parked.size(), 0u);
  EXPECT_EQ(parked.next_deadline(), std::nullopt);
  EXPECT_EQ(parked.take_expired(t0 + 1h), nullptr);
}

}  // namespace
}  // namespace pscgi::process
