#include "apps/cgi/cgi_app.hpp"

#include "unit/apps/cgi/cgi_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <sys/wait.h>
#include <unistd.h>

namespace pscgi::apps::cgi {
namespace {

using testing::CapturedLog;
using testing::ScriptDir;

// Prints its environment, sorted, after a head. Perl, not sh: dash adds PWD to what it passes on.
constexpr const char* env_script =
    "#!/usr/bin/perl\n"
    "print \"Content-Type: text/plain\\n\\n\";\n"
    "print \"$_=$ENV{$_}\\n\" for sort keys %ENV;\n";

Request get(const std::string& uri, std::vector<std::pair<std::string, std::string>> extra = {}) {
  const std::size_t mark = uri.find('?');
  std::vector<std::pair<std::string, std::string>> variables{
      {"REQUEST_METHOD", "GET"},
      {"REQUEST_URI", uri},
      {"QUERY_STRING", mark == std::string::npos ? "" : uri.substr(mark + 1)},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"SERVER_NAME", "localhost"},
      {"SERVER_PORT", "8080"},
      {"REMOTE_ADDR", "127.0.0.1"},
      {"REMOTE_PORT", "40000"},
      {"HTTP_HOST", "localhost:8080"},
  };
  variables.insert(variables.end(), extra.begin(), extra.end());
  return Request::from_variables(variables);
}

Request post(const std::string& uri, std::string body, const std::string& type) {
  return Request::from_variables({{"CONTENT_LENGTH", std::to_string(body.size())},
                                  {"REQUEST_METHOD", "POST"},
                                  {"REQUEST_URI", uri},
                                  {"QUERY_STRING", ""},
                                  {"CONTENT_TYPE", type}},
                                 std::move(body));
}

std::map<std::string, std::string> parse_env(std::string_view body) {
  std::map<std::string, std::string> env;
  while (!body.empty()) {
    const std::size_t newline = std::min(body.find('\n'), body.size());
    const std::string_view line = body.substr(0, newline);
    const std::size_t equals = line.find('=');
    env[std::string(line.substr(0, equals))] = std::string(line.substr(equals + 1));
    body.remove_prefix(std::min(newline + 1, body.size()));
  }
  return env;
}

class CgiAppTest : public ::testing::Test {
 protected:
  ScriptDir dir;
  std::string root = dir.file("cgi-bin");
  CapturedLog log;

  CgiAppTest() { ::mkdir(root.c_str(), 0755); }

  std::string script(const std::string& name, const std::string& text, mode_t mode = 0755) {
    return dir.script("cgi-bin/" + name, text, mode);
  }
  AppPtr app_for_root(std::map<std::string, std::string> extra = {}) {
    extra["root"] = root;
    return make_cgi_app(AppSettings{"cgi", std::move(extra)});
  }
  AppPtr app_for_script(const std::string& program, std::map<std::string, std::string> extra = {}) {
    extra["script"] = program;
    return make_cgi_app(AppSettings{"cgi", std::move(extra)});
  }
  void expect_logged(const std::string& text) {
    EXPECT_NE(log.text().find(text), std::string::npos) << "not in the log: " << text << "\nlog:\n" << log.text();
  }
};

TEST_F(CgiAppTest, AScriptSeesTheCgiVariablesAndNothingElse) {
  ::setenv("PSCGI_CGI_TEST_CANARY", "must not leak", 1);
  AppPtr app = app_for_script(script("env.cgi", env_script));
  const ResponsePtr response = app->handle(get("/some/where%20else?q=1&r=2", {{"HTTP_X_CUSTOM", "yes"}}));
  ::unsetenv("PSCGI_CGI_TEST_CANARY");
  ASSERT_EQ(response->status(), 200) << log.text();
  std::map<std::string, std::string> env = parse_env(response->body());
  EXPECT_EQ(env.erase("PSCGI_CGI_TEST_CANARY"), 0u) << "pscgi's environment leaked into the script";
  ASSERT_TRUE(env.contains("SERVER_SOFTWARE"));
  env.erase("SERVER_SOFTWARE");
  char real_root[PATH_MAX];
  ASSERT_NE(::realpath(root.c_str(), real_root), nullptr);
  const std::map<std::string, std::string> expected{
      {"GATEWAY_INTERFACE", "CGI/1.1"},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"SERVER_NAME", "localhost"},
      {"SERVER_PORT", "8080"},
      {"REQUEST_METHOD", "GET"},
      {"REQUEST_URI", "/some/where%20else?q=1&r=2"},
      {"QUERY_STRING", "q=1&r=2"},
      {"SCRIPT_NAME", ""},
      {"SCRIPT_FILENAME", std::string(real_root) + "/env.cgi"},
      {"PATH_INFO", "/some/where else"},
      {"REMOTE_ADDR", "127.0.0.1"},
      {"REMOTE_PORT", "40000"},
      {"HTTP_HOST", "localhost:8080"},
      {"HTTP_X_CUSTOM", "yes"},
      {"PATH", std::getenv("PATH")},
  };
  EXPECT_EQ(env, expected);
  EXPECT_EQ(response->cache_policy(), CachePolicy::never) << "no Cache-Control, no Expires: never cached";
}

TEST_F(CgiAppTest, InARootTheFirstSegmentIsTheScript) {
  script("env.cgi", env_script);
  AppPtr app = app_for_root();
  const ResponsePtr response = app->handle(get("/env.cgi/a/b%2Bc/"));
  ASSERT_EQ(response->status(), 200) << log.text();
  const auto env = parse_env(response->body());
  EXPECT_EQ(env.at("SCRIPT_NAME"), "/env.cgi");
  EXPECT_EQ(env.at("PATH_INFO"), "/a/b+c/");
  EXPECT_EQ(parse_env(app->handle(get("/env.cgi"))->body()).at("PATH_INFO"), "");
}

TEST_F(CgiAppTest, RunsInTheScriptsDirectoryOrTheWorkingDir) {
  AppPtr app = app_for_script(script("pwd.cgi", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\npwd -P\n"));
  char real[PATH_MAX];
  ASSERT_NE(::realpath(root.c_str(), real), nullptr);
  EXPECT_EQ(app->handle(get("/"))->body(), std::string(real) + "\n");
  app = app_for_script(root + "/pwd.cgi", {{"working_dir", "/"}});
  EXPECT_EQ(app->handle(get("/"))->body(), "/\n");
}

TEST_F(CgiAppTest, StatusFromTheScript) {
  AppPtr app = app_for_script(script("nf.cgi", "#!/bin/sh\nprintf 'Status: 404 Not Found\\nContent-Type: text/plain\\n\\nno such thing\\n'\n"));
  const ResponsePtr response = app->handle(get("/x"));
  EXPECT_EQ(response->status(), 404);
  EXPECT_EQ(response->body(), "no such thing\n");
  EXPECT_EQ(response->header("Content-Type"), "text/plain");
}

TEST_F(CgiAppTest, CacheHeadersMakeAResponseCacheable) {
  AppPtr app = app_for_script(
      script("c.cgi", "#!/bin/sh\nprintf 'Content-Type: text/plain\\nCache-Control: max-age=60\\n\\nok'\n"));
  const ResponsePtr response = app->handle(get("/"));
  EXPECT_EQ(response->cache_policy(), CachePolicy::automatic);
  EXPECT_EQ(response->header("Cache-Control"), "max-age=60");
}

TEST_F(CgiAppTest, ALocalRedirectRunsTheNewPathAsGet) {
  script("move.cgi", "#!/bin/sh\ncat >/dev/null\nprintf 'Location: /env.cgi/there?from=move\\n\\n'\n");
  script("env.cgi", env_script);
  AppPtr app = app_for_root();
  const ResponsePtr response = app->handle(post("/move.cgi", "a=1", "application/x-www-form-urlencoded"));
  ASSERT_EQ(response->status(), 200) << log.text();
  const auto env = parse_env(response->body());
  EXPECT_EQ(env.at("REQUEST_METHOD"), "GET");
  EXPECT_EQ(env.at("SCRIPT_NAME"), "/env.cgi");
  EXPECT_EQ(env.at("PATH_INFO"), "/there");
  EXPECT_EQ(env.at("QUERY_STRING"), "from=move");
  EXPECT_EQ(env.at("REQUEST_URI"), "/env.cgi/there?from=move");
  EXPECT_FALSE(env.contains("CONTENT_LENGTH"));
  EXPECT_FALSE(env.contains("CONTENT_TYPE"));
}

TEST_F(CgiAppTest, LocalRedirectsAreBounded) {
  script("loop.cgi", "#!/bin/sh\nprintf 'Location: /loop.cgi\\n\\n'\n");
  AppPtr app = app_for_root();
  EXPECT_EQ(app->handle(get("/loop.cgi"))->status(), 502);
  expect_logged("more than 5 local redirects");
}

TEST_F(CgiAppTest, AClientRedirectIsA302) {
  AppPtr app = app_for_script(script("away.cgi", "#!/bin/sh\nprintf 'Location: https://example.com/elsewhere\\n\\n'\n"));
  const ResponsePtr response = app->handle(get("/"));
  EXPECT_EQ(response->status(), 302);
  EXPECT_EQ(response->header("Location"), "https://example.com/elsewhere");
}

TEST_F(CgiAppTest, ThePostBodyIsOnStdin) {
  AppPtr app = app_for_script(script("post.cgi",
                                     "#!/bin/sh\n"
                                     "printf 'Content-Type: text/plain\\n\\n'\n"
                                     "echo \"$REQUEST_METHOD $CONTENT_LENGTH $CONTENT_TYPE\"\n"
                                     "head -c \"$CONTENT_LENGTH\"\n"));
  const std::string body = "name=value&other=" + std::string(200000, 'z');
  const ResponsePtr response = app->handle(post("/", body, "application/x-www-form-urlencoded"));
  ASSERT_EQ(response->status(), 200) << log.text();
  EXPECT_EQ(response->body(), "POST " + std::to_string(body.size()) + " application/x-www-form-urlencoded\n" + body);
}

TEST_F(CgiAppTest, AHangingScriptAndItsChildAreKilledWith504AndTheAppGoesOn) {
  const std::string hang = script("hang.cgi",
                                  "#!/bin/sh\n"
                                  "sleep 60 &\n"
                                  "echo $! > \"$PIDS/child.pid\"\n"
                                  "echo $$ > \"$PIDS/self.pid\"\n"
                                  "wait\n");
  script("ok.cgi", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nfine'\n");
  AppPtr app = app_for_root({{"timeout", "300ms"}, {"set_env", "PIDS=" + dir.path()}});
  EXPECT_EQ(app->handle(get("/hang.cgi"))->status(), 504);
  expect_logged("still running after 300 ms");
  expect_logged("/hang.cgi");
  EXPECT_TRUE(testing::process_gone(std::stoi(dir.read("self.pid"))));
  EXPECT_TRUE(testing::wait_process_gone(std::stoi(dir.read("child.pid"))));
  EXPECT_EQ(app->handle(get("/ok.cgi"))->body(), "fine");
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1) << "a zombie was left";
}

TEST_F(CgiAppTest, TooMuchOutputIs502) {
  AppPtr app = app_for_script(script("big.cgi", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nexec yes\n"),
                              {{"max_output", "64KiB"}});
  const ResponsePtr response = app->handle(get("/"));
  EXPECT_EQ(response->status(), 502);
  EXPECT_LT(response->body().size(), 100u);
  expect_logged("wrote more than 65536 bytes");
}

TEST_F(CgiAppTest, GarbageHeadersAre502) {
  AppPtr app = app_for_script(script("junk.cgi", "#!/bin/sh\necho '<html>no head at all</html>'\necho\necho body\n"));
  EXPECT_EQ(app->handle(get("/"))->status(), 502);
  expect_logged("invalid output: a head line without a colon");
}

TEST_F(CgiAppTest, ExitingNonZeroBeforeOutputIs502) {
  AppPtr app = app_for_script(script("fail.cgi", "#!/bin/sh\necho 'something broke' >&2\nexit 2\n"));
  EXPECT_EQ(app->handle(get("/"))->status(), 502);
  expect_logged("exited with status 2");
  expect_logged("stderr: something broke");
}

TEST_F(CgiAppTest, StderrIsLoggedEscaped) {
  AppPtr app = app_for_script(
      script("err.cgi", "#!/bin/sh\nprintf 'bell\\007 and \\033[31mred\\n' >&2\nprintf 'Content-Type: text/plain\\n\\nok'\n"));
  EXPECT_EQ(app->handle(get("/"))->status(), 200);
  expect_logged("stderr: bell\\x07 and \\x1b[31mred");
  EXPECT_EQ(log.text().find('\x1b'), std::string::npos);
}

TEST_F(CgiAppTest, NphScriptsAreRefused) {
  script("nph-old.cgi", "#!/bin/sh\nprintf 'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nraw'\n");
  AppPtr app = app_for_root();
  EXPECT_EQ(app->handle(get("/nph-old.cgi"))->status(), 502);
  expect_logged("nph-");
}

TEST_F(CgiAppTest, NothingOutsideTheRootCanBeRun) {
  script("env.cgi", env_script);
  script("plain.cgi", "#!/bin/sh\n", 0644);
  script(".hidden.cgi", env_script);
  ::mkdir((root + "/subdir").c_str(), 0755);
  const std::string outside = dir.script("outside.cgi", env_script);
  ASSERT_EQ(::symlink(outside.c_str(), (root + "/link.cgi").c_str()), 0);
  ASSERT_EQ(::symlink("env.cgi", (root + "/inside-link.cgi").c_str()), 0);
  AppPtr app = app_for_root();
  const std::vector<std::pair<std::string, int>> refused{
      {"/../outside.cgi", 404},
      {"/%2e%2e/outside.cgi", 404},
      {"/%2E%2E%2foutside.cgi", 404},
      {"/..%2foutside.cgi", 404},
      {"/..%5coutside.cgi", 404},
      {"/..\\outside.cgi", 404},
      {"/link.cgi", 404},
      {"/plain.cgi", 404},
      {"/.hidden.cgi", 404},
      {"/subdir", 404},
      {"/subdir/env.cgi", 404},
      {"/env.cgi%00", 400},
      {"/missing.cgi", 404},
      {"/", 404},
  };
  for (const auto& [uri, status] : refused) {
    EXPECT_EQ(app->handle(get(uri))->status(), status) << uri;
  }
  expect_logged("refused path");
  expect_logged("leads out of");
  expect_logged("is not executable");
  expect_logged("is hidden");
  expect_logged("is not a regular file");
  EXPECT_EQ(app->handle(get("/inside-link.cgi"))->status(), 200) << "a symlink within the root is fine";
}

}  // namespace
}  // namespace pscgi::apps::cgi
