#include "process/listener_pool.hpp"

#include "config/listen_address.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace pscgi::process {
namespace {

// The pool only keeps books, so made-up descriptors stand for sockets: nothing is opened or closed.
Listener listener(int fd, std::string_view address) { return {fd, config::parse_listen_address(address)}; }

std::vector<int> fds_of(const std::vector<Listener>& listeners) {
  std::vector<int> fds;
  for (const Listener& l : listeners) fds.push_back(l.fd);
  std::sort(fds.begin(), fds.end());
  return fds;
}

TEST(ListenerPoolTest, FindsAnOpenSocketBySameEndpointOnly) {
  ListenerPool pool;
  pool.use(1, listener(10, "unix:/run/a.sock"), 1024, 0660);
  pool.use(1, listener(11, "127.0.0.1:8000"), 1024, 0660);

  const PooledListener* unix_socket = pool.find(config::parse_listen_address("unix:/run/a.sock"));
  ASSERT_NE(unix_socket, nullptr);
  EXPECT_EQ(unix_socket->listener.fd, 10);
  const PooledListener* tcp = pool.find(config::parse_listen_address("127.0.0.1:8000"));
  ASSERT_NE(tcp, nullptr);
  EXPECT_EQ(tcp->listener.fd, 11);

  EXPECT_EQ(pool.find(config::parse_listen_address("unix:/run/b.sock")), nullptr);
  EXPECT_EQ(pool.find(config::parse_listen_address("127.0.0.1:8001")), nullptr);
  EXPECT_EQ(pool.find(config::parse_listen_address("127.0.0.2:8000")), nullptr);
}

TEST(ListenerPoolTest, ASocketListedByTwoGenerationsIsKeptUntilBothAreGone) {
  ListenerPool pool;
  pool.use(1, listener(10, "unix:/run/a.sock"), 1024, 0660);
  pool.use(1, listener(11, "unix:/run/b.sock"), 1024, 0660);
  pool.use(2, listener(10, "unix:/run/a.sock"), 1024, 0660);  // kept across the reload
  pool.use(2, listener(12, "unix:/run/c.sock"), 1024, 0660);  // new in generation 2
  EXPECT_EQ(pool.all().size(), 3u);

  EXPECT_EQ(fds_of(pool.release(1)), std::vector<int>{11});
  EXPECT_EQ(pool.all().size(), 2u);
  EXPECT_NE(pool.find(config::parse_listen_address("unix:/run/a.sock")), nullptr);
  EXPECT_EQ(pool.find(config::parse_listen_address("unix:/run/b.sock")), nullptr);

  EXPECT_EQ(fds_of(pool.release(2)), (std::vector<int>{10, 12}));
  EXPECT_TRUE(pool.all().empty());
}

TEST(ListenerPoolTest, ReleasingAGenerationTwiceOrOneNeverSeenClosesNothing) {
  ListenerPool pool;
  pool.use(1, listener(10, "unix:/run/a.sock"), 1024, 0660);
  EXPECT_TRUE(pool.release(7).empty());
  EXPECT_EQ(fds_of(pool.release(1)), std::vector<int>{10});
  EXPECT_TRUE(pool.release(1).empty());
}

TEST(ListenerPoolTest, AWorkerClosesTheSocketsOnlyOtherGenerationsList) {
  ListenerPool pool;
  pool.use(1, listener(10, "unix:/run/a.sock"), 1024, 0660);
  pool.use(1, listener(11, "unix:/run/b.sock"), 1024, 0660);
  pool.use(2, listener(10, "unix:/run/a.sock"), 1024, 0660);
  pool.use(2, listener(12, "unix:/run/c.sock"), 1024, 0660);

  EXPECT_EQ(pool.fds_not_used_by(2), std::vector<int>{11});
  EXPECT_EQ(pool.fds_not_used_by(1), std::vector<int>{12});
  EXPECT_EQ(pool.fds_not_used_by(3), (std::vector<int>{10, 11, 12}));
}

TEST(ListenerPoolTest, TakeAllEmptiesThePool) {
  ListenerPool pool;
  pool.use(1, listener(10, "unix:/run/a.sock"), 1024, 0660);
  pool.use(2, listener(12, "unix:/run/c.sock"), 1024, 0660);
  EXPECT_EQ(fds_of(pool.take_all()), (std::vector<int>{10, 12}));
  EXPECT_TRUE(pool.all().empty());
  EXPECT_TRUE(pool.take_all().empty());
}

struct RestartSettingsTest : ::testing::Test {
  PooledListener unix_socket{listener(10, "unix:/run/a.sock"), 1024, 0660, {1}};
  PooledListener tcp{listener(11, "127.0.0.1:8000"), 1024, 0660, {1}};
  config::Config next = [] {
    config::Config c;
    c.listen = {config::parse_listen_address("unix:/run/a.sock"), config::parse_listen_address("127.0.0.1:8000")};
    c.backlog = 1024;
    c.socket_mode = 0660;
    return c;
  }();
};

TEST_F(RestartSettingsTest, NoneWhenNothingThatNeedsARestartChanged) {
  EXPECT_TRUE(settings_needing_restart(std::nullopt, {&unix_socket, &tcp}, next).empty());
  next.pid_file = "/run/pscgi.pid";
  EXPECT_TRUE(settings_needing_restart("/run/pscgi.pid", {&unix_socket, &tcp}, next).empty());
}

TEST_F(RestartSettingsTest, NamesAMovedPidFile) {
  next.pid_file = "/run/new.pid";
  const auto warnings = settings_needing_restart("/run/old.pid", {}, next);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("pid_file"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("\"/run/old.pid\" -> \"/run/new.pid\""), std::string::npos) << warnings[0];

  next.pid_file.reset();
  const auto dropped = settings_needing_restart("/run/old.pid", {}, next);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_NE(dropped[0].find("\"/run/old.pid\" -> none"), std::string::npos) << dropped[0];
}

TEST_F(RestartSettingsTest, NamesTheKeptSocketsWhoseBacklogStays) {
  next.backlog = 2048;
  const auto warnings = settings_needing_restart(std::nullopt, {&unix_socket, &tcp}, next);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("backlog changed to 2048"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("unix:/run/a.sock, 127.0.0.1:8000"), std::string::npos) << warnings[0];
}

TEST_F(RestartSettingsTest, SocketModeConcernsOnlyKeptUnixSockets) {
  next.socket_mode = 0600;
  const auto warnings = settings_needing_restart(std::nullopt, {&unix_socket, &tcp}, next);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("socket_mode changed to 0600"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("(unix:/run/a.sock)"), std::string::npos) << warnings[0];

  EXPECT_TRUE(settings_needing_restart(std::nullopt, {&tcp}, next).empty());
}

TEST_F(RestartSettingsTest, InheritedSocketsAreLeftOutTheirBacklogAndModeAreTheSocketUnits) {
  unix_socket.listener.inherited = true;
  next.backlog = 2048;
  next.socket_mode = 0600;
  const auto warnings = settings_needing_restart(std::nullopt, {&unix_socket, &tcp}, next);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("kept open (127.0.0.1:8000)"), std::string::npos) << warnings[0];
}

TEST_F(RestartSettingsTest, NewSocketsTakeTheNewBacklogAndMode) {
  next.backlog = 16;
  next.socket_mode = 0600;
  EXPECT_TRUE(settings_needing_restart(std::nullopt, {}, next).empty());
}

}  // namespace
}  // namespace pscgi::process
