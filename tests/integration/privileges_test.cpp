// Workers under their own user (docs/operations.md, "Running as an unprivileged user"): started as
// root with `user`/`group`, every worker runs as that user with no supplementary groups while the
// master stays root; the unix socket belongs to them, so nginx's workers (nobody, when nginx is
// started by root without a `user` directive) connect; the workers still write and reopen the log
// files. And the warnings: root without `user`, `user` without root, a config file others may write.
// Switching users needs root: those tests fail to run without it and say so (CI runs as root).

#include "harness.hpp"
#include "worker_titles.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <optional>
#include <filesystem>
#include <grp.h>
#include <pwd.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace pscgi::testing {
namespace {

using ::testing::HasSubstr;

#define SKIP_UNLESS_ROOT()                                                                              \
  if (::geteuid() != 0)                                                                                 \
  GTEST_SKIP() << "\n*** NOT TESTED: switching users needs root; run the integration tests as root (CI " \
                  "does) to test the privilege drop ***\n"

unsigned nogroup() { return ::getgrnam("nogroup")->gr_gid; }

// The value of a /proc/PID/status line ("Uid:\t0\t0\t0\t0" -> "0 0 0 0"), tabs as spaces.
std::string status_line(pid_t pid, const std::string& key) {
  std::istringstream lines(read_file("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(key + ":", 0) != 0) continue;
    std::string value = line.substr(key.size() + 1);
    std::replace(value.begin(), value.end(), '\t', ' ');
    while (!value.empty() && value.front() == ' ') value.erase(value.begin());
    while (!value.empty() && value.back() == ' ') value.pop_back();
    return value;
  }
  return "(no " + key + " line)";
}

std::string four(unsigned id) {
  const std::string one = std::to_string(id);
  return one + " " + one + " " + one + " " + one;
}

const char* const dropping_config =
    "listen: unix:{socket}\n"
    "socket_mode: \"0660\"\n"
    "user: nobody\n"
    "group: nogroup\n"
    "workers: { count: 2 }\n"
    "pipeline: [access_log]\n"
    "log: { error_log: \"{dir}/error.log\", access_log: \"{dir}/access.log\" }\n";

std::vector<pid_t> serving_workers(const Server& server) {
  const WorkersSeen seen = wait_for_workers(server.pid(), exactly_serving(2), 20s);
  EXPECT_TRUE(seen.ok) << describe(seen.last);
  std::vector<pid_t> pids;
  for (const WorkerProcess& w : seen.last) pids.push_back(w.pid);
  return pids;
}

TEST(PrivilegesTest, WorkersRunAsTheUserWithNoGroupsAndTheMasterStaysRoot) {
  SKIP_UNLESS_ROOT();
  TempDir dir;
  Server server(dir, dropping_config);
  const std::vector<pid_t> workers = serving_workers(server);
  ASSERT_EQ(workers.size(), 2u);
  const std::string nobody_ids = "65534 65534 65534 65534";
  const std::string nogroup_ids = four(nogroup());
  for (pid_t pid : workers) {
    EXPECT_EQ(status_line(pid, "Uid"), nobody_ids) << "worker " << pid;
    EXPECT_EQ(status_line(pid, "Gid"), nogroup_ids) << "worker " << pid;
    EXPECT_EQ(status_line(pid, "Groups"), "") << "worker " << pid;
  }
  EXPECT_EQ(status_line(server.pid(), "Uid"), "0 0 0 0");
  EXPECT_EQ(status_line(server.pid(), "Gid"), "0 0 0 0");

  EXPECT_EQ(scgi_get(server.socket(), "/hello").status, 200);
  const std::string errors = read_file(dir.file("error.log"));
  EXPECT_THAT(errors, HasSubstr("workers run as nobody:nogroup (uid 65534"));
  EXPECT_EQ(errors.find("running as root without user"), std::string::npos) << errors;
}

TEST(PrivilegesTest, TheSocketBelongsToTheUserAndGroupSoNginxConnects) {
  SKIP_UNLESS_ROOT();
  TempDir dir;
  Server server(dir, dropping_config);
  struct stat st {};
  ASSERT_EQ(::lstat(server.socket().c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);
  EXPECT_EQ(st.st_gid, nogroup());
  EXPECT_EQ(st.st_mode & 07777, 0660u);
  // nginx started by root without `user` runs its workers as nobody: only the socket's owner and
  // mode let them in (root:root 0660 would answer 502).
  Nginx nginx(dir, server.socket());
  const Reply hello = http_request(nginx.port(), "GET", "/hello");
  EXPECT_EQ(hello.status, 200) << hello.raw << nginx.error_log();
}

bool worker_line_in(const std::string& log, const std::vector<pid_t>& workers, const std::string& text) {
  for (pid_t pid : workers) {
    if (log.find("[worker " + std::to_string(pid) + "] [warning] rejected request") != std::string::npos &&
        log.find(text) != std::string::npos)
      return true;
  }
  return false;
}

TEST(PrivilegesTest, WorkersWriteAndReopenTheLogFiles) {
  SKIP_UNLESS_ROOT();
  TempDir dir;
  Server server(dir, dropping_config);
  const std::vector<pid_t> workers = serving_workers(server);
  const std::string error_log = dir.file("error.log");
  const std::string access_log = dir.file("access.log");
  // A request without SCGI 1 is refused with a warning from the worker that took it.
  const std::string bad = scgi_request("GET", "/not-scgi", {{"SCGI", "2"}});
  EXPECT_EQ(scgi_exchange(server.socket(), bad).status, 400);
  EXPECT_TRUE(wait_until([&] { return worker_line_in(read_file(error_log), workers, "rejected request"); }, 10s))
      << read_file(error_log);

  std::filesystem::rename(error_log, error_log + ".1");
  std::filesystem::rename(access_log, access_log + ".1");
  server.signal(SIGUSR1);
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(error_log) && std::filesystem::exists(access_log); }, 10s));
  for (const std::string& path : {error_log, access_log}) {
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534u) << path << ": the master hands a new log file to the workers' user";
  }
  // The workers reopen after the master: keep asking until a worker's lines reach the new files.
  const bool reopened = wait_until(
      [&] {
        scgi_exchange(server.socket(), bad);
        scgi_get(server.socket(), "/hello");
        const std::string access = read_file(access_log);
        return worker_line_in(read_file(error_log), workers, "rejected request") &&
               access.find("\"GET /hello\" 200") != std::string::npos;
      },
      15s, 200ms);
  EXPECT_TRUE(reopened) << "new error log:\n" << read_file(error_log) << "\nnew access log:\n" << read_file(access_log);
  // Both workers lived through USR1 (a failed reopen would have ended one).
  for (pid_t pid : workers) EXPECT_EQ(::kill(pid, 0), 0) << "worker " << pid << " is gone";
  EXPECT_EQ(read_file(error_log).find("failed"), std::string::npos) << read_file(error_log);
}

TEST(PrivilegesTest, RootWithoutUserIsWarnedAbout) {
  SKIP_UNLESS_ROOT();
  TempDir dir;
  Server server(dir, "listen: unix:{socket}\nworkers: { count: 1 }\n");
  EXPECT_TRUE(server.wait_for_log("running as root without user: the workers and the app")) << server.log();
  EXPECT_THAT(server.log(), HasSubstr("set user (and group) to an unprivileged account"));
}

// Runs the server through setpriv as nobody when the test is root, so that this case is tested
// either way. nobody must be able to make the socket in dir and to write to the notify socket.
TEST(PrivilegesTest, AUserIsIgnoredWithAWarningWhenTheMasterIsNotRoot) {
  TempDir dir;
  std::string binary = PSCGI_BINARY;
  std::string other_user = ::geteuid() == 65534 ? "www-data" : "nobody";
  const mode_t old_umask = ::umask(0);
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(dir.path().c_str(), 65534, nogroup()), 0);
    binary = dir.file("as-nobody.sh");
    write_file(binary, std::string("#!/bin/sh\nexec setpriv --reuid=nobody --regid=nogroup --clear-groups " PSCGI_BINARY
                                   " \"$@\"\n"));
    ::chmod(binary.c_str(), 0700);
    other_user = "www-data";
  }
  ASSERT_NE(::getpwuid(::geteuid())->pw_name, other_user);
  std::optional<Server> server;
  try {
    server.emplace(dir, "listen: unix:{socket}\nworkers: { count: 1 }\nuser: " + other_user + "\n", binary);
  } catch (...) {
    ::umask(old_umask);
    throw;
  }
  ::umask(old_umask);
  EXPECT_TRUE(server->wait_for_log("user: " + other_user + " is ignored: only a master started as root can switch users"))
      << server->log();
  EXPECT_EQ(scgi_get(server->socket(), "/hello").status, 200);
}

TEST(PrivilegesTest, AConfigFileOthersMayWriteIsWarnedAboutAtStartAndReload) {
  TempDir dir;
  const std::string config = "listen: unix:{socket}\nworkers: { count: 1 }\n";
  const mode_t old_umask = ::umask(0);  // the config file is written 0666
  std::optional<Server> server;
  try {
    server.emplace(dir, config);
  } catch (...) {
    ::umask(old_umask);
    throw;
  }
  ::umask(old_umask);
  const std::string warning = "the config file \"" + server->config_path() + "\" is writable by every user (mode 0666)";
  EXPECT_TRUE(server->wait_for_log(warning)) << server->log();
  server->write_config(config);
  ::chmod(server->config_path().c_str(), 0646);
  server->signal(SIGHUP);
  EXPECT_TRUE(server->wait_for_log("SIGHUP: the config file \"" + server->config_path() +
                                   "\" is writable by every user (mode 0646)"))
      << server->log();
}

}  // namespace
}  // namespace pscgi::testing
