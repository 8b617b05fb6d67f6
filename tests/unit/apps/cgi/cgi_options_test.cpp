#include "apps/cgi/cgi_options.hpp"

#include "unit/apps/cgi/cgi_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace pscgi::apps::cgi {
namespace {

using namespace std::chrono_literals;
using testing::ScriptDir;

class CgiOptionsTest : public ::testing::Test {
 protected:
  ScriptDir dir;
  std::string script = dir.script("app.cgi", "#!/bin/sh\n");

  // The message of the error read_cgi_options throws, or "" when it accepts the settings.
  static std::string error_of(const AppSettings& settings) {
    try {
      read_cgi_options(settings);
    } catch (const AppSettingError& e) {
      return e.what();
    }
    return {};
  }
  static std::string error_of(std::map<std::string, std::string> options) {
    return error_of(AppSettings{"cgi", std::move(options)});
  }
  AppSettings with_list(const std::string& key, std::vector<std::string> items) const {
    AppSettings settings("cgi", {{"script", script}});
    settings.set_list(key, std::move(items));
    return settings;
  }
};

TEST_F(CgiOptionsTest, DefaultsWithAScript) {
  const CgiOptions options = read_cgi_options(AppSettings{"cgi", {{"script", script}}});
  char real[PATH_MAX];
  ASSERT_NE(::realpath(script.c_str(), real), nullptr);
  EXPECT_EQ(options.script, std::string(real));
  EXPECT_FALSE(options.root);
  EXPECT_FALSE(options.working_dir);
  EXPECT_EQ(options.timeout, 30s);
  EXPECT_EQ(options.max_output, 16u * 1024 * 1024);
  EXPECT_FALSE(options.pass_authorization);
  const char* path = std::getenv("PATH");
  ASSERT_NE(path, nullptr) << "the test needs PATH set";
  EXPECT_EQ(options.base_environment, (std::vector<std::string>{std::string("PATH=") + path}));
}

TEST_F(CgiOptionsTest, ReadsEveryOption) {
  ::setenv("PSCGI_OPTIONS_TEST_A", "a value", 1);
  ::unsetenv("PSCGI_OPTIONS_TEST_ABSENT");
  AppSettings settings("cgi", {{"root", dir.path()},
                               {"working_dir", "/tmp"},
                               {"timeout", "1500ms"},
                               {"max_output", "64KiB"},
                               {"pass_authorization", "true"}});
  settings.set_list("env", {"PSCGI_OPTIONS_TEST_A", "PSCGI_OPTIONS_TEST_ABSENT"});
  settings.set_list("set_env", {"LANG=C.UTF-8", "EMPTY="});
  const CgiOptions options = read_cgi_options(settings);
  EXPECT_TRUE(options.root);
  EXPECT_EQ(options.working_dir, "/tmp");
  EXPECT_EQ(options.base_environment,
            (std::vector<std::string>{"PSCGI_OPTIONS_TEST_A=a value", "LANG=C.UTF-8", "EMPTY="}));
  EXPECT_EQ(options.timeout, 1500ms);
  EXPECT_EQ(options.max_output, 64u * 1024);
  EXPECT_TRUE(options.pass_authorization);
}

TEST_F(CgiOptionsTest, ErrorsNameTheKey) {
  const std::string plain = dir.script("plain.cgi", "#!/bin/sh\n", 0644);
  const std::string nph = dir.script("nph-old.cgi", "#!/bin/sh\n");
  const std::vector<std::pair<std::map<std::string, std::string>, std::string>> cases{
      {{}, "app.script: required"},
      {{{"script", script}, {"root", dir.path()}}, "app.root: give either"},
      {{{"script", dir.file("missing")}}, "app.script: '"},
      {{{"script", dir.path()}}, "app.script: "},
      {{{"script", plain}}, "not executable"},
      {{{"script", nph}}, "nph-"},
      {{{"root", script}}, "app.root: "},
      {{{"script", script}, {"working_dir", dir.file("missing")}}, "app.working_dir: "},
      {{{"script", script}, {"timeout", "soon"}}, "app.timeout: "},
      {{{"script", script}, {"timeout", "0"}}, "app.timeout: must be more than 0"},
      {{{"script", script}, {"max_output", "0"}}, "app.max_output: "},
      {{{"script", script}, {"max_output", "10MB"}}, "app.max_output: "},
      {{{"script", script}, {"pass_authorization", "yes please"}}, "app.pass_authorization: "},
      {{{"script", script}, {"colour", "blue"}}, "app.colour: unknown option"},
  };
  for (const auto& [options, expected] : cases) {
    const std::string error = error_of(options);
    EXPECT_NE(error.find(expected), std::string::npos) << "expected '" << expected << "' in '" << error << "'";
  }
}

TEST_F(CgiOptionsTest, VariableListsAreChecked) {
  EXPECT_NE(error_of(with_list("env", {"PATH", "1BAD"})).find("app.env: '1BAD' is not a variable name"), std::string::npos);
  EXPECT_NE(error_of(with_list("env", {"PATH_INFO"})).find("app.env: PATH_INFO is a CGI variable"), std::string::npos);
  EXPECT_NE(error_of(with_list("set_env", {"HTTP_HOST=x"})).find("app.set_env: HTTP_HOST is a CGI variable"),
            std::string::npos);
  EXPECT_NE(error_of(with_list("set_env", {"NOVALUE"})).find("app.set_env: 'NOVALUE' is not NAME=value"),
            std::string::npos);
  // One scalar is a list of one.
  EXPECT_EQ(read_cgi_options(AppSettings("cgi", {{"script", script}, {"set_env", "A=1"}})).base_environment.back(), "A=1");
}

TEST_F(CgiOptionsTest, AnErrorNamesTheFileAndLine) {
  AppSettings settings("cgi");
  settings.set_origin("/etc/pscgi.yaml", 10);
  settings.set("script", script, 11);
  settings.set("timeout", "0", 12);
  EXPECT_EQ(error_of(settings), "/etc/pscgi.yaml:12: app.timeout: must be more than 0");
}

TEST(CgiNamesTest, VariableNamesAndNphScripts) {
  EXPECT_TRUE(is_variable_name("PATH"));
  EXPECT_TRUE(is_variable_name("_x1"));
  EXPECT_FALSE(is_variable_name(""));
  EXPECT_FALSE(is_variable_name("1X"));
  EXPECT_FALSE(is_variable_name("A-B"));
  EXPECT_FALSE(is_variable_name("A=B"));
  EXPECT_TRUE(is_nph_name("nph-test.cgi"));
  EXPECT_FALSE(is_nph_name("test-nph.cgi"));
}

}  // namespace
}  // namespace pscgi::apps::cgi
