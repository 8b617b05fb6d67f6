// The example application, built the way its README says: this build is installed into a temporary
// prefix with `cmake --install`, docs/examples/guestbook is configured and built against that prefix
// alone (find_package(pscgi) through CMAKE_PREFIX_PATH), and the binary it makes is started with the
// example's own config and asked for each of its routes over SCGI.

#include "harness.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>

extern char** environ;

namespace pscgi::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kExampleDir = PSCGI_SOURCE_DIR "/docs/examples/guestbook";

struct RunResult {
  int status = -1;  ///< exit status; -1 when it did not exit normally or ran past its deadline
  std::string output;
};

/// Runs `argv` in a process group of its own, with `env` (NAME=value) replacing our variables of
/// the same names. Past `deadline` the group (the command and, say, the compilers it started) is
/// killed and the status is -1.
RunResult run(const std::vector<std::string>& argv, const TempDir& dir, std::chrono::seconds deadline,
              const std::vector<std::string>& env = {}) {
  const std::string out = dir.file("run-output.txt");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> environment;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view name = std::string_view(*e).substr(0, std::string_view(*e).find('='));
    const bool replaced = std::any_of(env.begin(), env.end(), [&](const std::string& v) { return v.starts_with(std::string(name) + "="); });
    if (!replaced) environment.push_back(*e);
  }
  for (const auto& e : env) environment.push_back(const_cast<char*>(e.c_str()));
  environment.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environment.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) return {-1, "posix_spawn failed for " + argv[0]};
  int status = 0;
  const bool exited = wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, deadline, 100ms);
  if (!exited) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return {-1, read_file(out) + "\n(killed after " + std::to_string(deadline.count()) + " s)"};
  }
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out)};
}

/// The example's sample config with its socket and data directory moved into the test's directory.
/// Fails the test if the sample no longer has the lines it replaces.
std::string example_config() {
  std::istringstream sample(read_file(kExampleDir + "/guestbook.yaml"));
  std::string config;
  int replaced = 0;
  for (std::string line; std::getline(sample, line);) {
    if (line.starts_with("listen:")) {
      line = "listen: unix:{socket}";
      ++replaced;
    } else if (line.starts_with("  data_dir:")) {
      line = "  data_dir: {dir}/data";
      ++replaced;
    }
    config += line + "\n";
  }
  EXPECT_EQ(replaced, 2) << "guestbook.yaml should have a `listen:` and an `app.data_dir:` line:\n" << config;
  return config;
}

/// Installs this build, then configures and builds the example against that prefix only; returns
/// the example binary's path ("" after a failure, which it reports).
std::string build_example(const TempDir& dir) {
  const std::string prefix = dir.file("prefix");
  const std::string build = dir.file("build");
  const RunResult install = run({PSCGI_CMAKE_COMMAND, "--install", PSCGI_BUILD_DIR, "--prefix", prefix}, dir, 120s);
  EXPECT_EQ(install.status, 0) << install.output;
  if (install.status != 0) return "";

  std::vector<std::string> configure = {PSCGI_CMAKE_COMMAND, "-S", kExampleDir, "-B", build,
                                        "-G", PSCGI_CMAKE_GENERATOR, "-DCMAKE_PREFIX_PATH=" + prefix,
                                        "-DCMAKE_BUILD_TYPE=" PSCGI_BUILD_TYPE,
                                        "-DCMAKE_CXX_COMPILER=" PSCGI_CXX_COMPILER};
  if (!std::string(PSCGI_MAKE_PROGRAM).empty()) configure.push_back("-DCMAKE_MAKE_PROGRAM=" PSCGI_MAKE_PROGRAM);
  if (!std::string(PSCGI_COMPILER_LAUNCHER).empty()) configure.push_back("-DCMAKE_CXX_COMPILER_LAUNCHER=" PSCGI_COMPILER_LAUNCHER);
  // ccache sees the temporary paths relative to this directory and leaves the (temporary) build
  // directory out of its hash, so the next run's build is a hit.
  const std::vector<std::string> env = {"CCACHE_BASEDIR=" + dir.path(), "CCACHE_NOHASHDIR=1"};
  const RunResult configured = run(configure, dir, 180s, env);
  EXPECT_EQ(configured.status, 0) << configured.output;
  if (configured.status != 0) return "";
  // find_package found the package just installed, not one installed elsewhere on this machine.
  const std::string cache = read_file(build + "/CMakeCache.txt");
  EXPECT_NE(cache.find("pscgi_DIR:PATH=" + prefix + "/" PSCGI_INSTALL_LIBDIR "/cmake/pscgi\n"), std::string::npos)
      << "pscgi_DIR is not the temporary prefix:\n" << lines_with(cache, "pscgi_DIR");

  const RunResult built = run({PSCGI_CMAKE_COMMAND, "--build", build, "--parallel", "2"}, dir, 540s, env);
  EXPECT_EQ(built.status, 0) << built.output;
  return built.status == 0 ? build + "/guestbook" : "";
}

Reply post_form(const Server& server, const std::string& uri, const std::string& body) {
  return scgi_exchange(server.socket(), scgi_request("POST", uri, {{"CONTENT_TYPE", "application/x-www-form-urlencoded"}}, body));
}

TEST(ExampleAppTest, TheGuestbookBuiltAgainstTheInstalledPackageAnswersItsRoutes) {
  TempDir dir;
  const std::string binary = build_example(dir);
  ASSERT_FALSE(binary.empty());
  Server server(dir, example_config(), binary);

  const Reply empty = scgi_get(server.socket(), "/");
  ASSERT_EQ(empty.status, 200) << empty.raw;
  EXPECT_EQ(empty.header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_NE(empty.body.find("<form method=\"post\" action=\"/entries\">"), std::string::npos) << empty.body;
  EXPECT_NE(empty.body.find("<title>Our guestbook</title>"), std::string::npos) << empty.body;

  const Reply posted = post_form(server, "/entries", "name=Ada&message=Hello+from+%3Cb%3Ethe+test%3C%2Fb%3E");
  EXPECT_EQ(posted.status, 303) << posted.raw;
  EXPECT_EQ(posted.header("Location").value_or(""), "/") << posted.raw;

  // The entry is in the shared file, so every worker shows it: ask a few times, whichever answers.
  for (int i = 0; i < 4; ++i) {
    const Reply page = scgi_get(server.socket(), "/");
    ASSERT_EQ(page.status, 200) << page.raw;
    EXPECT_NE(page.body.find("Hello from &lt;b&gt;the test&lt;/b&gt;"), std::string::npos) << page.body;
    EXPECT_NE(page.body.find("<strong>Ada</strong>"), std::string::npos) << page.body;
  }

  const Reply api = scgi_get(server.socket(), "/api/entries");
  ASSERT_EQ(api.status, 200) << api.raw;
  EXPECT_TRUE(api.header("Content-Type").value_or("").starts_with("application/json")) << api.raw;
  const nlohmann::json document = nlohmann::json::parse(api.body, nullptr, false);
  ASSERT_TRUE(document.is_object()) << api.body;
  ASSERT_EQ(document["entries"].size(), 1u) << api.body;
  EXPECT_EQ(document["entries"][0]["name"], "Ada");
  EXPECT_EQ(document["entries"][0]["message"], "Hello from <b>the test</b>");
  EXPECT_TRUE(fs::is_regular_file(dir.file("data/entries.jsonl")));

  EXPECT_EQ(scgi_get(server.socket(), "/no/such/page").status, 404);
  const Reply wrong_method = scgi_get(server.socket(), "/entries");
  EXPECT_EQ(wrong_method.status, 405) << wrong_method.raw;
  EXPECT_EQ(wrong_method.header("Allow").value_or(""), "POST") << wrong_method.raw;
  EXPECT_EQ(post_form(server, "/entries", "name=Bob&message=").status, 400);
  EXPECT_EQ(nlohmann::json::parse(scgi_get(server.socket(), "/api/entries").body)["entries"].size(), 1u)
      << "a refused entry was stored";

  // The factory reads its settings as every app does: a misspelt key is named, with its line.
  write_file(dir.file("misspelt.yaml"), "listen: unix:" + dir.file("other.sock") +
                                            "\napp:\n  type: guestbook\n  data_dir: " + dir.file("data") + "\n  titel: x\n");
  const RunResult check = run({binary, "--check-config", "--config", dir.file("misspelt.yaml")}, dir, 30s);
  EXPECT_NE(check.status, 0) << check.output;
  EXPECT_NE(check.output.find("misspelt.yaml:5: app.titel: unknown option"), std::string::npos) << check.output;
}

}  // namespace
}  // namespace pscgi::testing
