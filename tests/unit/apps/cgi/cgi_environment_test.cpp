#include "apps/cgi/cgi_environment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace pscgi::apps::cgi {
namespace {

using Environment = std::map<std::string, std::string>;

Request nginx_request(std::vector<std::pair<std::string, std::string>> extra = {}, std::string body = {}) {
  std::vector<std::pair<std::string, std::string>> variables{
      {"CONTENT_LENGTH", std::to_string(body.size())},
      {"REQUEST_METHOD", "POST"},
      {"REQUEST_URI", "/app/x%20y?a=1"},
      {"QUERY_STRING", "a=1"},
      {"CONTENT_TYPE", "application/x-www-form-urlencoded"},
      {"DOCUMENT_URI", "/app/x y"},
      {"DOCUMENT_ROOT", "/var/www"},
      {"SCGI", "1"},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"REQUEST_SCHEME", "https"},
      {"HTTPS", "on"},
      {"REMOTE_ADDR", "192.0.2.7"},
      {"REMOTE_PORT", "51234"},
      {"SERVER_PORT", "443"},
      {"SERVER_NAME", "example.org"},
      {"HTTP_HOST", "example.org"},
      {"HTTP_USER_AGENT", "test/1"},
  };
  variables.insert(variables.end(), extra.begin(), extra.end());
  return Request::from_variables(variables, std::move(body));
}

Environment as_map(const std::vector<std::string>& environment) {
  Environment result;
  for (const std::string& entry : environment) {
    const std::size_t equals = entry.find('=');
    EXPECT_NE(equals, std::string::npos) << entry;
    EXPECT_TRUE(result.emplace(entry.substr(0, equals), entry.substr(equals + 1)).second) << "twice: " << entry;
  }
  return result;
}

Environment environment_for(const Request& request, const EnvironmentPolicy& policy = {}) {
  const ScriptTarget target{"/srv/cgi/app.cgi", "/app", "/x y"};
  const CgiCall call{request.method(), request.var("REQUEST_URI"), request.query(), request.body(),
                     request.var("CONTENT_TYPE")};
  return as_map(build_environment(request, target, call, policy));
}

TEST(CgiEnvironmentTest, HasTheMetaVariablesOfRfc3875) {
  Environment env = environment_for(nginx_request({}, "a=b&c=d"));
  ASSERT_TRUE(env.contains("SERVER_SOFTWARE"));
  EXPECT_TRUE(env.at("SERVER_SOFTWARE").starts_with("pscgi/")) << env.at("SERVER_SOFTWARE");
  env.erase("SERVER_SOFTWARE");
  const Environment expected{
      {"GATEWAY_INTERFACE", "CGI/1.1"},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"SERVER_NAME", "example.org"},
      {"SERVER_PORT", "443"},
      {"REQUEST_METHOD", "POST"},
      {"REQUEST_URI", "/app/x%20y?a=1"},
      {"REQUEST_SCHEME", "https"},
      {"HTTPS", "on"},
      {"SCRIPT_NAME", "/app"},
      {"SCRIPT_FILENAME", "/srv/cgi/app.cgi"},
      {"PATH_INFO", "/x y"},
      {"QUERY_STRING", "a=1"},
      {"CONTENT_LENGTH", "7"},
      {"CONTENT_TYPE", "application/x-www-form-urlencoded"},
      {"REMOTE_ADDR", "192.0.2.7"},
      {"REMOTE_PORT", "51234"},
      {"HTTP_HOST", "example.org"},
      {"HTTP_USER_AGENT", "test/1"},
  };
  EXPECT_EQ(env, expected);
}

TEST(CgiEnvironmentTest, NoBodyNoContentVariables) {
  const Environment env = environment_for(nginx_request());
  EXPECT_FALSE(env.contains("CONTENT_LENGTH"));
  EXPECT_FALSE(env.contains("CONTENT_TYPE"));
  EXPECT_EQ(env.at("QUERY_STRING"), "a=1");
}

TEST(CgiEnvironmentTest, LeavesOutProxyContentAndAuthorizationHeaders) {
  const Request request = nginx_request({{"HTTP_PROXY", "http://evil:8080"},
                                         {"HTTP_CONTENT_LENGTH", "5"},
                                         {"HTTP_AUTHORIZATION", "Basic eDp5"},
                                         {"HTTP_X_OK", "yes"},
                                         {"HTTP_bad-name", "x"},
                                         {"HTTP_", "x"}});
  Environment env = environment_for(request);
  EXPECT_FALSE(env.contains("HTTP_PROXY"));
  EXPECT_FALSE(env.contains("HTTP_CONTENT_LENGTH"));
  EXPECT_FALSE(env.contains("HTTP_AUTHORIZATION"));
  EXPECT_FALSE(env.contains("HTTP_bad-name"));
  EXPECT_FALSE(env.contains("HTTP_"));
  EXPECT_EQ(env.at("HTTP_X_OK"), "yes");
  env = environment_for(request, {nullptr, true});
  EXPECT_EQ(env.at("HTTP_AUTHORIZATION"), "Basic eDp5");
}

TEST(CgiEnvironmentTest, TheFirstOfRepeatedHeadersWins) {
  const Environment env = environment_for(nginx_request({{"HTTP_X_TWICE", "first"}, {"HTTP_X_TWICE", "second"}}));
  EXPECT_EQ(env.at("HTTP_X_TWICE"), "first");
}

TEST(CgiEnvironmentTest, StartsFromTheBaseButMetaVariablesWin) {
  const std::vector<std::string> base{"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "EMPTY="};
  const Environment env = environment_for(nginx_request(), {&base, false});
  EXPECT_EQ(env.at("PATH"), "/usr/bin:/bin");
  EXPECT_EQ(env.at("LANG"), "C.UTF-8");
  EXPECT_EQ(env.at("EMPTY"), "");
}

TEST(CgiEnvironmentTest, ServerNameFallsBackToTheHostWithoutItsPort) {
  const Request request = Request::from_variables(
      {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/"}, {"HTTP_HOST", "example.net:8080"}});
  const Environment env = environment_for(request);
  EXPECT_EQ(env.at("SERVER_NAME"), "example.net");
  EXPECT_EQ(env.at("SERVER_PROTOCOL"), "HTTP/1.1");
  EXPECT_FALSE(env.contains("SERVER_PORT"));
  const Request v6 = Request::from_variables({{"REQUEST_METHOD", "GET"}, {"HTTP_HOST", "[::1]"}});
  EXPECT_EQ(environment_for(v6).at("SERVER_NAME"), "[::1]");
}

TEST(CgiEnvironmentTest, KnowsTheMetaVariableNames) {
  for (const char* name : {"PATH_INFO", "CONTENT_LENGTH", "HTTP_HOST", "HTTP_ANYTHING", "SCRIPT_FILENAME", "HTTPS"}) {
    EXPECT_TRUE(is_meta_variable(name)) << name;
  }
  for (const char* name : {"PATH", "LANG", "HOME", "PERL5LIB", "HTTP"}) EXPECT_FALSE(is_meta_variable(name)) << name;
}

}  // namespace
}  // namespace pscgi::apps::cgi
