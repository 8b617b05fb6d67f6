// End to end through real nginx (started here, with its own config, on loopback): what an HTTP
// client sees.

#include "harness.hpp"

#include <gtest/gtest.h>

namespace pscgi::testing {
namespace {

const char* const server_config =
    "listen: unix:{socket}\n"
    "socket_mode: \"0666\"\n"
    "workers: { count: 2 }\n"
    "log: { access_log: off }\n"
    "pipeline: [access_log]\n";

TEST(NginxTest, StatusHeadersAndBodyReachTheHttpClient) {
  TempDir dir;
  Server server(dir, server_config);
  Nginx nginx(dir, server.socket());

  const Reply hello = http_request(nginx.port(), "GET", "/hello");
  EXPECT_EQ(hello.status, 200) << hello.raw << nginx.error_log();
  EXPECT_NE(hello.header("Content-Type").value_or("").find("text/html"), std::string::npos);
  EXPECT_EQ(std::stoul(hello.header("Content-Length").value_or("0")), hello.body.size());
  EXPECT_NE(hello.body.find("id=\"pid\""), std::string::npos);

  const Reply custom = http_request(nginx.port(), "GET", "/respond?status=404&h=X-Test:yes&body=gone");
  EXPECT_EQ(custom.status, 404);
  EXPECT_EQ(custom.header("X-Test"), "yes");
  EXPECT_EQ(custom.body, "gone");

  const Reply echo = http_request(nginx.port(), "POST", "/echo?a=1", {{"X-Custom", "v1"}}, "hello body");
  EXPECT_EQ(echo.status, 200);
  EXPECT_NE(echo.body.find("hello body"), std::string::npos);
  EXPECT_NE(echo.body.find("HTTP_X_CUSTOM"), std::string::npos);

  EXPECT_EQ(http_request(nginx.port(), "GET", "/respond?raise=1").status, 500);
  EXPECT_EQ(nginx.error_log().find("upstream prematurely closed"), std::string::npos) << nginx.error_log();
}

TEST(NginxTest, RepeatedHeadersAreJoined) {
  TempDir dir;
  Server server(dir, server_config);
  Nginx nginx(dir, server.socket());
  const Reply echo = http_request(nginx.port(), "GET", "/echo", {{"X-Multi", "a"}, {"X-Multi", "b"}});
  EXPECT_NE(echo.body.find("a, b"), std::string::npos) << echo.body;
}

TEST(NginxTest, LargeResponsesArriveWhole) {
  TempDir dir;
  Server server(dir, server_config);
  Nginx nginx(dir, server.socket());
  const Reply work = http_request(nginx.port(), "GET", "/work?kb=2048");
  EXPECT_EQ(work.status, 200);
  EXPECT_EQ(std::stoul(work.header("Content-Length").value_or("0")), work.body.size());
  EXPECT_GT(work.body.size(), 2000u * 1024u);
}

}  // namespace
}  // namespace pscgi::testing
