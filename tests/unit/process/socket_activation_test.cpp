#include "process/socket_activation.hpp"

#include "config/listen_address.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

namespace fs = std::filesystem;

SocketEndpoint unix_endpoint(const std::string& path) { return {SocketEndpoint::Family::unix_socket, path, {}, 0}; }

SocketEndpoint ipv4_endpoint(const char* address, std::uint16_t port) {
  SocketEndpoint endpoint{SocketEndpoint::Family::ipv4, {}, {}, port};
  ::inet_pton(AF_INET, address, endpoint.address.data());
  return endpoint;
}

InheritedSocket passed(int fd, const SocketEndpoint& endpoint) { return {fd, "pscgi.socket", endpoint, {}}; }

std::vector<config::ListenAddress> listen(std::initializer_list<const char*> texts) {
  std::vector<config::ListenAddress> addresses;
  for (const char* text : texts) addresses.push_back(config::parse_listen_address(text));
  return addresses;
}

// The matching itself: made-up endpoints, no socket.
TEST(MatchInheritedSocketsTest, EachAddressTakesTheSocketBoundToItWhateverTheOrder) {
  const auto addresses = listen({"unix:/run/pscgi/a.sock", "127.0.0.1:4000", "unix:/run/pscgi/b.sock"});
  const std::vector<std::optional<SocketEndpoint>> wanted = {unix_endpoint("/run/pscgi/a.sock"), ipv4_endpoint("127.0.0.1", 4000),
                                                              unix_endpoint("/run/pscgi/b.sock")};
  const std::vector<InheritedSocket> inherited = {passed(3, ipv4_endpoint("127.0.0.1", 4000)), passed(4, unix_endpoint("/run/pscgi/a.sock"))};

  const InheritedMatch match = match_inherited_sockets(addresses, wanted, inherited);
  ASSERT_EQ(match.for_address.size(), 3u);
  EXPECT_EQ(match.for_address[0], std::optional<std::size_t>(1));
  EXPECT_EQ(match.for_address[1], std::optional<std::size_t>(0));
  EXPECT_EQ(match.for_address[2], std::nullopt);  // no socket passed: pscgi opens it
  EXPECT_TRUE(match.unmatched.empty());
}

TEST(MatchInheritedSocketsTest, ASocketNoAddressTakesIsNamedWithItsDescriptorNameAndEndpoint) {
  const auto addresses = listen({"unix:/run/pscgi/a.sock"});
  const std::vector<InheritedSocket> inherited = {passed(3, unix_endpoint("/run/pscgi/a.sock")),
                                                  passed(4, ipv4_endpoint("127.0.0.1", 4001)),
                                                  passed(5, unix_endpoint("/run/pscgi/other.sock"))};
  const InheritedMatch match = match_inherited_sockets(addresses, {unix_endpoint("/run/pscgi/a.sock")}, inherited);
  EXPECT_EQ(match.for_address[0], std::optional<std::size_t>(0));
  ASSERT_EQ(match.unmatched.size(), 2u);
  EXPECT_EQ(match.unmatched[0], "descriptor 4 (\"pscgi.socket\", 127.0.0.1:4001) matches no address in listen");
  EXPECT_EQ(match.unmatched[1], "descriptor 5 (\"pscgi.socket\", unix:/run/pscgi/other.sock) matches no address in listen");
}

TEST(MatchInheritedSocketsTest, TheSameHostAndPortOnAnotherAddressOrFamilyDoesNotMatch) {
  const auto addresses = listen({"127.0.0.1:4000"});
  SocketEndpoint ipv6_same_port{SocketEndpoint::Family::ipv6, {}, {}, 4000};
  ipv6_same_port.address[15] = 1;  // ::1
  const std::vector<InheritedSocket> inherited = {passed(3, ipv4_endpoint("0.0.0.0", 4000)), passed(4, ipv6_same_port),
                                                  passed(5, ipv4_endpoint("127.0.0.1", 4001))};
  const InheritedMatch match = match_inherited_sockets(addresses, {ipv4_endpoint("127.0.0.1", 4000)}, inherited);
  EXPECT_EQ(match.for_address[0], std::nullopt);
  EXPECT_EQ(match.unmatched.size(), 3u);
}

TEST(MatchInheritedSocketsTest, AnUnusableDescriptorOrAnUnresolvedAddressMatchesNothing) {
  const auto addresses = listen({"unix:/run/pscgi/a.sock", "nowhere.invalid:4000"});
  const std::vector<InheritedSocket> inherited = {{3, "extra", std::nullopt, "not listening"}};
  const InheritedMatch match = match_inherited_sockets(addresses, {unix_endpoint("/run/pscgi/a.sock"), std::nullopt}, inherited);
  EXPECT_EQ(match.for_address[0], std::nullopt);
  EXPECT_EQ(match.for_address[1], std::nullopt);
  ASSERT_EQ(match.unmatched.size(), 1u);
  EXPECT_EQ(match.unmatched[0], "descriptor 3 (\"extra\", not listening) is not a listening stream socket");
}

TEST(MatchInheritedSocketsTest, OneSocketServesOneAddressOnly) {
  const auto addresses = listen({"unix:/run/pscgi/a.sock", "unix:/run/pscgi/a.sock"});
  const std::vector<std::optional<SocketEndpoint>> wanted(2, unix_endpoint("/run/pscgi/a.sock"));
  const InheritedMatch match = match_inherited_sockets(addresses, wanted, {passed(3, unix_endpoint("/run/pscgi/a.sock"))});
  EXPECT_EQ(match.for_address[0], std::optional<std::size_t>(0));
  EXPECT_EQ(match.for_address[1], std::nullopt);
}

// What a descriptor is, on real sockets.
struct InspectTest : ::testing::Test {
  std::string dir = fs::temp_directory_path() / ("pscgi-activation-" + std::to_string(::getpid()));
  std::vector<int> fds;
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override {
    for (int fd : fds) ::close(fd);
    fs::remove_all(dir);
  }
  int keep(int fd) {
    fds.push_back(fd);
    return fd;
  }
  int unix_socket(int type, const std::string& path, bool listening) {
    const int fd = keep(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    EXPECT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
    if (listening) {
      EXPECT_EQ(::listen(fd, 4), 0);
    }
    return fd;
  }
};

TEST_F(InspectTest, AListeningUnixSocketIsKnownByItsPath) {
  const InheritedSocket s = inspect_inherited_socket(unix_socket(SOCK_STREAM, dir + "/a.sock", true), "web");
  ASSERT_TRUE(s.endpoint.has_value()) << s.problem;
  EXPECT_EQ(*s.endpoint, unix_endpoint(dir + "/a.sock"));
  EXPECT_EQ(s.name, "web");
}

TEST_F(InspectTest, AListeningTcpSocketIsKnownByItsAddressAndPort) {
  const int fd = keep(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t length = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);

  const InheritedSocket s = inspect_inherited_socket(fd, "web");
  ASSERT_TRUE(s.endpoint.has_value()) << s.problem;
  EXPECT_EQ(*s.endpoint, ipv4_endpoint("127.0.0.1", ntohs(addr.sin_port)));
  // The configured address resolves to the same endpoint.
  EXPECT_EQ(endpoint_of(config::parse_listen_address("127.0.0.1:" + std::to_string(ntohs(addr.sin_port)))), *s.endpoint);
}

TEST_F(InspectTest, WhatCannotBeServedSaysWhatItIs) {
  EXPECT_EQ(inspect_inherited_socket(unix_socket(SOCK_STREAM, dir + "/idle.sock", false), "x").problem, "not listening");
  EXPECT_EQ(inspect_inherited_socket(unix_socket(SOCK_DGRAM, dir + "/dgram.sock", false), "x").problem, "not a stream socket");
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  keep(pipe_fds[0]);
  keep(pipe_fds[1]);
  EXPECT_EQ(inspect_inherited_socket(pipe_fds[0], "x").problem, "not a socket");
  EXPECT_FALSE(inspect_inherited_socket(pipe_fds[0], "x").endpoint.has_value());
}

TEST(TakeInheritedListenersTest, LISTEN_PIDOfAnotherProcessIsIgnoredAndTheVariablesAreUnset) {
  ::setenv("LISTEN_PID", std::to_string(::getpid() + 1).c_str(), 1);
  ::setenv("LISTEN_FDS", "1", 1);
  ::setenv("LISTEN_FDNAMES", "pscgi.socket", 1);
  config::Config config;
  config.listen = listen({"unix:/run/pscgi/a.sock"});
  EXPECT_TRUE(take_inherited_listeners(config).empty());
  EXPECT_EQ(std::getenv("LISTEN_PID"), nullptr);
  EXPECT_EQ(std::getenv("LISTEN_FDS"), nullptr);
  EXPECT_EQ(std::getenv("LISTEN_FDNAMES"), nullptr);
}

// The whole protocol needs the socket at descriptor 3 of a process whose pid LISTEN_PID names: a
// child plays the server, and reports by its exit status which check failed (0: all held).
int run_in_child(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) std::_Exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

void pass_as_systemd_would(int fd, const char* name) {
  ::dup2(fd, 3);
  ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);
  ::setenv("LISTEN_FDS", "1", 1);
  ::setenv("LISTEN_FDNAMES", name, 1);
}

TEST_F(InspectTest, AMatchedSocketBecomesANonBlockingCloseOnExecInheritedListener) {
  const std::string path = dir + "/a.sock";
  const int fd = unix_socket(SOCK_STREAM, path, true);
  const int failed_check = run_in_child([&] {
    pass_as_systemd_would(fd, "pscgi.socket");
    ::fcntl(3, F_SETFD, 0);  // as exec would leave it
    config::Config config;
    config.listen = listen({"127.0.0.1:1", ("unix:" + path).c_str()});
    const std::vector<Listener> listeners = take_inherited_listeners(config);
    if (listeners.size() != 1) return 1;
    if (listeners[0].fd != 3 || !listeners[0].inherited || listeners[0].address.path != path) return 2;
    if ((::fcntl(3, F_GETFL) & O_NONBLOCK) == 0 || (::fcntl(3, F_GETFD) & FD_CLOEXEC) == 0) return 3;
    if (std::getenv("LISTEN_PID") || std::getenv("LISTEN_FDS") || std::getenv("LISTEN_FDNAMES")) return 4;
    return 0;
  });
  EXPECT_EQ(failed_check, 0);
}

TEST_F(InspectTest, ASocketNoAddressTakesRefusesTheStartAndIsClosed) {
  const int fd = unix_socket(SOCK_STREAM, dir + "/other.sock", true);
  const int failed_check = run_in_child([&] {
    pass_as_systemd_would(fd, "extra");
    config::Config config;
    config.listen = listen({"unix:/run/pscgi/a.sock"});
    try {
      take_inherited_listeners(config);
      return 1;
    } catch (const std::runtime_error& e) {
      const std::string message = e.what();
      if (message.find("descriptor 3 (\"extra\", unix:" + dir + "/other.sock) matches no address in listen") == std::string::npos) return 2;
    }
    return ::fcntl(3, F_GETFD) == -1 ? 0 : 3;
  });
  EXPECT_EQ(failed_check, 0);
  EXPECT_TRUE(fs::exists(dir + "/other.sock"));
}

}  // namespace
}  // namespace pscgi::process
