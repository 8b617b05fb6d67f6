// Socket activation with the real binary. The test plays systemd: it opens the listening socket,
// hands it to pscgi at descriptor 3 with LISTEN_FDS and LISTEN_PID, and keeps its own copy, so the
// socket outlives every pscgi started on it. Under load through nginx, one server stops gracefully
// and a second one takes over the same socket: connects made in between wait in its queue, and no
// request fails. pscgi never unlinks a socket it did not create.

#include "harness.hpp"
#include "load_generator.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pscgi::testing {
namespace {

std::string config_for(const std::string& listen, const std::string& app = "app: { type: demo }\n") {
  return "listen: " + listen + "\n"
         "workers: { count: 2, graceful_timeout: 10s }\n"
         "log: { level: info, error_log: stderr, access_log: off }\n"
         "pipeline: []\n" +
         app;
}

// The test's own copy of the socket: what systemd holds between two servers.
class HeldSocket {
 public:
  explicit HeldSocket(int fd) : fd_(fd) {}
  ~HeldSocket() { ::close(fd_); }
  HeldSocket(const HeldSocket&) = delete;
  HeldSocket& operator=(const HeldSocket&) = delete;
  int fd() const noexcept { return fd_; }
  PassedSockets passed(const std::string& name = "pscgi.socket") const { return {{fd_}, {name}, std::nullopt}; }

 private:
  int fd_;
};

bool is_socket_file(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

const std::string kPassedLine = "(socket passed by the service manager, descriptor 3";

TEST(SocketActivationTest, ASecondServerTakesOverTheSocketUnderLoadThroughNginxAndNoRequestFails) {
  TempDir shared;  // the socket and nginx outlive both servers
  const std::string path = shared.file("activated.sock");
  const HeldSocket held(listen_unix(path));
  Nginx nginx(shared, path);

  TempDir first_dir;
  auto first = std::make_unique<Server>(first_dir, config_for("unix:" + path), held.passed());
  ASSERT_NE(first->log().find("listening on unix:" + path + " " + kPassedLine), std::string::npos) << first->log();
  LoadGenerator load({.clients = 4, .cap = 0, .pause = 2ms}, http_get(nginx.port(), "/hello"), expect_status(200));
  ASSERT_TRUE(load.wait_successes(50, 20s)) << load.failure_report() << first->log();

  first->signal(SIGTERM);
  const std::optional<int> status = first->wait_exit(30s);
  ASSERT_TRUE(status.has_value()) << first->log();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << first->log();
  EXPECT_TRUE(is_socket_file(path)) << "the first server unlinked a socket it did not create:\n" << first->log();

  // Nobody serves now: a connect still succeeds and its request waits in the queue.
  const int waiting = connect_unix(path);
  ASSERT_GE(waiting, 0);
  ASSERT_TRUE(write_all(waiting, scgi_request("GET", "/hello")));
  const long answered_by_first = load.successes();

  TempDir second_dir;
  Server second(second_dir, config_for("unix:" + path), held.passed());
  EXPECT_EQ(parse_reply(read_until_eof(waiting)).status, 200) << second.log();
  ::close(waiting);
  EXPECT_TRUE(load.wait_successes(answered_by_first + 100, 30s)) << load.failure_report() << second.log();
  load.stop();
  EXPECT_EQ(load.failures(), 0) << load.failure_report() << nginx.error_log();
  EXPECT_GT(load.successes(), answered_by_first + 100);

  second.stop();
  EXPECT_TRUE(is_socket_file(path)) << second.log();
}

// A reload keeps the passed socket (re-opening its path would find systemd's listener and fail);
// an address with no passed socket is opened, and removed at stop, as without systemd.
TEST(SocketActivationTest, AReloadKeepsThePassedSocketAndOnlyTheServersOwnSocketFileIsRemoved) {
  TempDir dir;
  const std::string passed_path = dir.file("passed.sock");
  const std::string own_path = dir.file("own.sock");
  const HeldSocket held(listen_unix(passed_path));
  const std::string listen = "[\"unix:" + passed_path + "\", \"unix:" + own_path + "\"]";
  Server server(dir, config_for(listen), held.passed());
  EXPECT_EQ(scgi_get(passed_path, "/hello").status, 200) << server.log();
  EXPECT_EQ(scgi_get(own_path, "/hello").status, 200) << server.log();

  const std::vector<pid_t> old_workers = server.worker_pids();
  server.signal(SIGHUP);
  ASSERT_TRUE(server.wait_for_log("SIGHUP: reloaded")) << server.log();
  ASSERT_TRUE(wait_processes_gone(old_workers)) << server.log();
  EXPECT_EQ(scgi_get(passed_path, "/hello").status, 200) << server.log();

  server.stop();
  EXPECT_TRUE(is_socket_file(passed_path)) << server.log();
  EXPECT_FALSE(is_socket_file(own_path)) << server.log();
}

// The same over TCP, through a CGI script that shows what a child of pscgi inherits: neither the
// LISTEN_ variables (the app passes them on when set, as it does NOTIFY_SOCKET) nor the socket.
TEST(SocketActivationTest, APassedTcpSocketIsMatchedByAddressAndChildrenSeeNeitherItNorTheVariables) {
  TempDir dir;
  const int port = free_tcp_port();
  const HeldSocket held(listen_tcp(port));
  ::mkdir(dir.file("cgi-bin").c_str(), 0755);
  write_file(dir.file("cgi-bin/env.cgi"),
             "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\n"
             "echo \"fds=${LISTEN_FDS-unset} pid=${LISTEN_PID-unset} names=${LISTEN_FDNAMES-unset} notify=${NOTIFY_SOCKET:+set}\"\n"
             "for f in /proc/$$/fd/*; do readlink \"$f\" || true; done\n");
  ::chmod(dir.file("cgi-bin/env.cgi").c_str(), 0755);
  const std::string app = "app: { type: cgi, root: {dir}/cgi-bin, env: [PATH, NOTIFY_SOCKET, LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES] }\n";
  Server server(dir, config_for("127.0.0.1:" + std::to_string(port), app), held.passed("web"));
  EXPECT_NE(server.log().find("listening on 127.0.0.1:" + std::to_string(port) + " " + kPassedLine), std::string::npos)
      << server.log();

  const int fd = connect_tcp(port);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(write_all(fd, scgi_request("GET", "/env.cgi")));
  const Reply reply = parse_reply(read_until_eof(fd));
  ::close(fd);
  ASSERT_EQ(reply.status, 200) << reply.raw << server.log();
  EXPECT_EQ(reply.body.substr(0, reply.body.find('\n')), "fds=unset pid=unset names=unset notify=set");
  struct stat st {};
  ASSERT_EQ(::fstat(held.fd(), &st), 0);
  EXPECT_EQ(reply.body.find("socket:[" + std::to_string(st.st_ino) + "]"), std::string::npos) << reply.body;
}

// A socket the service manager passes but `listen` does not name would keep accepting connects in
// systemd's hands with nobody to serve them: pscgi refuses to start and says which one it is.
TEST(SocketActivationTest, APassedSocketThatMatchesNoAddressRefusesTheStartAndIsLeftAlone) {
  TempDir dir;
  const std::string other = dir.file("other.sock");
  const HeldSocket held(listen_unix(other));
  try {
    Server server(dir, config_for("unix:{socket}"), held.passed("extra"));
    FAIL() << "pscgi started with a passed socket it does not serve:\n" << server.log();
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("descriptor 3 (\"extra\", unix:" + other + ") matches no address in listen"), std::string::npos)
        << message;
    EXPECT_NE(message.find("list each address in `listen`"), std::string::npos) << message;
  }
  EXPECT_TRUE(is_socket_file(other));
  EXPECT_FALSE(is_socket_file(dir.file("pscgi.sock")));  // refused before anything was opened
}

TEST(SocketActivationTest, SocketsMeantForAnotherProcessAreIgnored) {
  TempDir dir;
  const HeldSocket held(listen_unix(dir.file("not-ours.sock")));
  PassedSockets passed = held.passed();
  passed.listen_pid = ::getpid();  // the test's pid, not the server's
  Server server(dir, config_for("unix:{socket}"), passed);
  EXPECT_EQ(server.log().find("passed by the service manager"), std::string::npos) << server.log();
  EXPECT_EQ(scgi_get(server.socket(), "/hello").status, 200) << server.log();
  server.stop();
  EXPECT_TRUE(is_socket_file(dir.file("not-ours.sock")));
}

}  // namespace
}  // namespace pscgi::testing
