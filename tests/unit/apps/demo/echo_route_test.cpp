#include "apps/demo/routes.hpp"

#include "unit/apps/demo/demo_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace pscgi::apps::demo {
namespace {

using testing::make_app;
using testing::nginx_request;

nlohmann::json echo_of(const Request& request) {
  const ResponsePtr r = make_app()->handle(request);
  EXPECT_EQ(r->status(), 200);
  return nlohmann::json::parse(r->body());
}

TEST(EchoRouteTest, ReturnsEveryVariableInOrderAndTheBody) {
  const Request request = nginx_request("POST", "/echo?a=1&b=%3Cx%3E", "hello=world&x=%20");
  const nlohmann::json echo = echo_of(request);
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["path"], "/echo");
  EXPECT_EQ(echo["query"], "a=1&b=%3Cx%3E");
  EXPECT_EQ(echo["body"], "hello=world&x=%20");
  const nlohmann::json& variables = echo["variables"];
  ASSERT_EQ(variables.size(), request.variable_count());
  for (std::size_t i = 0; i < request.variable_count(); ++i) {
    EXPECT_EQ(variables[i]["name"], std::string(request.variable(i).name)) << i;
    EXPECT_EQ(variables[i]["value"], std::string(request.variable(i).value)) << i;
  }
}

TEST(EchoRouteTest, KeepsRepeatedVariables) {
  const Request request = Request::from_variables(
      {{"REQUEST_URI", "/echo"}, {"HTTP_X", "first"}, {"REQUEST_METHOD", "GET"}, {"HTTP_X", "second"}});
  const nlohmann::json variables = echo_of(request)["variables"];
  ASSERT_EQ(variables.size(), 4u);
  EXPECT_EQ(variables[1]["value"], "first");
  EXPECT_EQ(variables[3]["name"], "HTTP_X");
  EXPECT_EQ(variables[3]["value"], "second");
}

TEST(EchoRouteTest, IsUncacheable) {
  const ResponsePtr r = make_app()->handle(nginx_request("GET", "/echo"));
  EXPECT_EQ(r->cache_policy(), CachePolicy::never);
  EXPECT_EQ(r->header("Cache-Control"), "private, no-store");
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_EQ(r->header("X-Content-Type-Options"), "nosniff");
}

TEST(EchoRouteTest, SurvivesBytesThatAreNotUtf8) {
  const nlohmann::json echo = echo_of(nginx_request("POST", "/echo", std::string("a\xff\xfe" "b\0c", 6)));
  const std::string body = echo["body"];
  EXPECT_EQ(body.front(), 'a');
  EXPECT_NE(body.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD in place of the bad bytes
  EXPECT_NE(body.find(std::string("b\0c", 3)), std::string::npos);
}

TEST(EchoRouteTest, AnEmptyRequestIsStillJson) {
  const nlohmann::json echo = echo_of(Request::from_variables({{"DOCUMENT_URI", "/echo"}}));
  EXPECT_EQ(echo["method"], "");
  EXPECT_EQ(echo["body"], "");
  EXPECT_EQ(echo["variables"].size(), 1u);
}

}  // namespace
}  // namespace pscgi::apps::demo
