// The shipped logrotate rules (config/pscgi.logrotate): logrotate accepts them as they are, and,
// pointed at a running server's log files, they rotate them and USR1 makes the server write to
// the new files. logrotate must be installed (scripts/install-deps.sh --test).

#include "harness.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <vector>

namespace pscgi::testing {
namespace {

const std::string kShippedRules = PSCGI_FIXTURES_DIR "/../../config/pscgi.logrotate";
const std::string kLogrotate = "/usr/sbin/logrotate";

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("config/pscgi.logrotate no longer has \"" + from + "\"");
  text.replace(at, from.size(), to);
}

// A missing logrotate fails the test (never skips it quietly).
void require_logrotate() {
  ASSERT_TRUE(std::filesystem::exists(kLogrotate)) << kLogrotate << " is missing: install it with `bash scripts/install-deps.sh --test`";
}

// Whether one of `processes` has a file `<dir>/*.log.1` open: it has not reopened its logs.
bool any_holds_rotated_file(const std::vector<pid_t>& processes, const std::string& dir) {
  for (pid_t pid : processes) {
    std::error_code error;
    for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error)) {
      const std::string target = std::filesystem::read_symlink(fd.path(), error).string();
      if (target.starts_with(dir + "/") && target.ends_with(".log.1")) return true;
    }
  }
  return false;
}

TEST(LogRotationTest, LogrotateAcceptsTheShippedRules) {
  ASSERT_NO_FATAL_FAILURE(require_logrotate());
  TempDir dir;
  // -d: parse and report what would be done, change nothing; the state file is the test's own.
  const auto [status, output] = run_program({kLogrotate, "-d", "-s", dir.file("state"), kShippedRules});
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output.find("error:"), std::string::npos) << output;
  EXPECT_NE(output.find("rotating pattern: /var/log/pscgi/*.log"), std::string::npos) << output;
}

TEST(LogRotationTest, TheShippedRulesRotateARunningServersLogsAndUsr1ReopensThem) {
  ASSERT_NO_FATAL_FAILURE(require_logrotate());
  TempDir dir;
  Server server(dir, "listen: unix:{socket}\n"
                     "workers: { count: 2 }\n"
                     "log: { level: info, error_log: {dir}/error.log, access_log: {dir}/access.log }\n"
                     "pipeline: [access_log]\n");
  // The shipped rules with this directory instead of /var/log/pscgi, and the USR1 sent by pid
  // rather than through systemd, which does not run this server.
  std::string rules = read_file(kShippedRules);
  replace_once(rules, "/var/log/pscgi/*.log {", dir.path() + "/*.log {");
  replace_once(rules, "systemctl kill --kill-whom=main --signal=USR1 pscgi.service",
               "kill -USR1 " + std::to_string(server.pid()));
  write_file(dir.file("rules"), rules);

  ASSERT_EQ(scgi_get(server.socket(), "/hello?before").status, 200);
  // Access lines are buffered for up to a second.
  ASSERT_TRUE(wait_until([&] { return read_file(dir.file("access.log")).find("/hello?before") != std::string::npos; }, 5s));

  // -f: rotate now, whatever `daily` says.
  const auto [status, output] = run_program({kLogrotate, "-f", "-s", dir.file("state"), dir.file("rules")});
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(read_file(dir.file("access.log.1")).find("/hello?before"), std::string::npos);
  std::vector<pid_t> processes = server.worker_pids();
  processes.push_back(server.pid());
  EXPECT_TRUE(wait_until([&] { return !any_holds_rotated_file(processes, dir.path()); }, 5s))
      << "a process still writes to a rotated file after USR1";
  EXPECT_NE(read_file(dir.file("error.log.1")).find("SIGUSR1: reopening log files"), std::string::npos)
      << read_file(dir.file("error.log.1"));

  for (int i = 0; i < 20; ++i) ASSERT_EQ(scgi_get(server.socket(), "/hello?after").status, 200);
  EXPECT_TRUE(wait_until([&] { return count_occurrences(read_file(dir.file("access.log")), "/hello?after") == 20; }, 5s))
      << "access.log: " << read_file(dir.file("access.log")) << "\naccess.log.1: " << read_file(dir.file("access.log.1"));
  EXPECT_EQ(read_file(dir.file("access.log.1")).find("/hello?after"), std::string::npos);
}

}  // namespace
}  // namespace pscgi::testing
