// `cmake --install` of this build into a temporary prefix: every file lands in its usual place, and
// the systemd unit starts the installed binary with the installed config.

#include "harness.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>

extern char** environ;

namespace pscgi::testing {
namespace {

namespace fs = std::filesystem;

/// Runs `argv` with `extra_env` added to ours; returns (exit status, combined output). ctest's
/// timeout bounds the wait: cmake --install only copies files.
std::pair<int, std::string> run(const std::vector<std::string>& argv, const TempDir& dir,
                                const std::vector<std::string>& extra_env = {}) {
  const std::string out = dir.file("run-output.txt");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  for (const auto& e : extra_env) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return {-1, "posix_spawn failed for " + argv[0]};
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out)};
}

std::pair<int, std::string> install_into(const std::string& prefix, const TempDir& dir,
                                         const std::vector<std::string>& extra_env = {}) {
  return run({PSCGI_CMAKE_COMMAND, "--install", PSCGI_BUILD_DIR, "--prefix", prefix}, dir, extra_env);
}

/// The value of `key=` in a unit file, or "" when the line is not there.
std::string unit_value(const std::string& unit, const std::string& key) {
  std::istringstream lines(unit);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(key + "=")) return line.substr(key.size() + 1);
  }
  return {};
}

bool is_executable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR) != 0;
}

TEST(InstallTest, PutsEachFileInItsUsualPlaceUnderThePrefix) {
  TempDir dir;
  const std::string prefix = dir.file("prefix");
  const auto [status, output] = install_into(prefix, dir);
  ASSERT_EQ(status, 0) << output;

  EXPECT_TRUE(is_executable(prefix + "/" PSCGI_INSTALL_BINDIR "/pscgi")) << output;
  EXPECT_TRUE(fs::is_regular_file(prefix + "/" PSCGI_INSTALL_LIBDIR "/" PSCGI_LIBRARY_FILE)) << output;
  EXPECT_TRUE(fs::is_regular_file(prefix + "/" PSCGI_INSTALL_SYSCONFDIR "/pscgi/pscgi.yaml")) << output;
  EXPECT_TRUE(fs::is_regular_file(prefix + "/share/pscgi/nginx-site.conf")) << output;
  EXPECT_TRUE(fs::is_regular_file(prefix + "/lib/systemd/system/pscgi.service")) << output;
  EXPECT_TRUE(fs::is_regular_file(prefix + "/lib/systemd/system/pscgi.socket")) << output;
  int headers = 0;
  for (const auto& entry : fs::directory_iterator(PSCGI_SOURCE_DIR "/include/pscgi")) {
    ++headers;
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(fs::is_regular_file(prefix + "/include/pscgi/" + name)) << name << "\n" << output;
  }
  EXPECT_GT(headers, 0);
}

TEST(InstallTest, TheUnitStartsTheInstalledBinaryWithTheInstalledConfig) {
  TempDir dir;
  const std::string prefix = dir.file("prefix");
  const auto [status, output] = install_into(prefix, dir);
  ASSERT_EQ(status, 0) << output;
  const std::string unit = read_file(prefix + "/lib/systemd/system/pscgi.service");

  const std::string binary = prefix + "/" PSCGI_INSTALL_BINDIR "/pscgi";
  const std::string config = prefix + "/" PSCGI_INSTALL_SYSCONFDIR "/pscgi/pscgi.yaml";
  EXPECT_EQ(unit_value(unit, "ExecStart"), binary + " --config " + config) << unit;
  EXPECT_EQ(unit_value(unit, "ExecStartPre"), binary + " --check-config --config " + config) << unit;
  EXPECT_EQ(unit.find('@'), std::string::npos) << "a placeholder was left unfilled:\n" << unit;

  // What ExecStartPre runs must pass: the installed binary accepts the installed config.
  const auto [check_status, check_output] = run({binary, "--check-config", "--config", config}, dir);
  EXPECT_EQ(check_status, 0) << check_output;
}

// The socket unit holds the socket the installed config listens on; the service takes it from there
// and is stopped gracefully within a timeout longer than the workers' graceful_timeout.
TEST(InstallTest, TheSocketUnitListensWhereTheInstalledConfigDoesAndTheServiceUsesIt) {
  TempDir dir;
  const std::string prefix = dir.file("prefix");
  const auto [status, output] = install_into(prefix, dir);
  ASSERT_EQ(status, 0) << output;
  const std::string socket_unit = read_file(prefix + "/lib/systemd/system/pscgi.socket");
  const std::string service = read_file(prefix + "/lib/systemd/system/pscgi.service");
  const std::string config = read_file(prefix + "/" PSCGI_INSTALL_SYSCONFDIR "/pscgi/pscgi.yaml");

  const std::string socket_path = unit_value(socket_unit, "ListenStream");
  ASSERT_FALSE(socket_path.empty()) << socket_unit;
  EXPECT_NE(config.find("\nlisten: unix:" + socket_path + "\n"), std::string::npos) << config;
  EXPECT_EQ(unit_value(socket_unit, "Service"), "pscgi.service");
  EXPECT_EQ(unit_value(socket_unit, "SocketGroup"), "www-data");  // nginx's workers connect
  EXPECT_EQ(unit_value(socket_unit, "SocketMode"), "0660");
  EXPECT_EQ(unit_value(service, "Requires"), "pscgi.socket");
  EXPECT_EQ(unit_value(service, "Type"), "notify");
  EXPECT_EQ(unit_value(service, "ExecReload"), "/bin/kill -HUP $MAINPID");
  EXPECT_EQ(unit_value(service, "KillSignal"), "SIGTERM");  // docs/operations.md: the graceful stop
  EXPECT_GT(std::stoi(unit_value(service, "TimeoutStopSec")), 30);  // workers.graceful_timeout's default
  // The socket's directory must outlast a stop: a RuntimeDirectory is removed unless preserved.
  EXPECT_EQ(unit_value(service, "RuntimeDirectory"), "pscgi");
  EXPECT_EQ(unit_value(service, "RuntimeDirectoryPreserve"), "yes");
  EXPECT_EQ(unit_value(service, "NoNewPrivileges"), "yes");
  EXPECT_EQ(unit_value(service, "ProtectSystem"), "strict");
}

TEST(InstallTest, AStagedInstallMovesTheFilesButNotThePathsInTheUnit) {
  TempDir dir;
  const std::string stage = dir.file("stage");
  const std::string prefix = "/opt/pscgi-install-test";
  const auto [status, output] = install_into(prefix, dir, {"DESTDIR=" + stage});
  ASSERT_EQ(status, 0) << output;
  ASSERT_FALSE(fs::exists(prefix)) << "DESTDIR was ignored: " << prefix << " was written";

  EXPECT_TRUE(is_executable(stage + prefix + "/" PSCGI_INSTALL_BINDIR "/pscgi")) << output;
  const std::string unit = read_file(stage + prefix + "/lib/systemd/system/pscgi.service");
  EXPECT_EQ(unit_value(unit, "ExecStart"),
            prefix + "/" PSCGI_INSTALL_BINDIR "/pscgi --config " + prefix + "/" PSCGI_INSTALL_SYSCONFDIR "/pscgi/pscgi.yaml")
      << unit;
}

}  // namespace
}  // namespace pscgi::testing
