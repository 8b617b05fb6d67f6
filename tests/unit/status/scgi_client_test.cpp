#include "status/scgi_client.hpp"

#include "config/config.hpp"

#include <gtest/gtest.h>

namespace pscgi::status {
namespace {

using namespace std::string_view_literals;

TEST(StatusScgiClientTest, EncodesABodilessGetAsANetstring) {
  const std::string wire = encode_scgi_get("/_pscgi/metrics.json?x=1");
  const auto colon = wire.find(':');
  ASSERT_NE(colon, std::string::npos);
  const std::string variables = wire.substr(colon + 1, wire.size() - colon - 2);
  EXPECT_EQ(std::stoul(wire.substr(0, colon)), variables.size());
  EXPECT_EQ(wire.back(), ',');
  EXPECT_EQ(variables.rfind("CONTENT_LENGTH\0" "0\0"sv, 0), 0u) << "SCGI wants CONTENT_LENGTH first";
  EXPECT_NE(variables.find("REQUEST_URI\0/_pscgi/metrics.json?x=1\0"sv), std::string::npos);
  EXPECT_NE(variables.find("DOCUMENT_URI\0/_pscgi/metrics.json\0"sv), std::string::npos);
  EXPECT_NE(variables.find("QUERY_STRING\0x=1\0"sv), std::string::npos);
  EXPECT_EQ(variables.find("REMOTE_ADDR"), std::string::npos) << "a local tool sends no client address";
}

TEST(StatusScgiClientTest, ParsesTheServersAnswer) {
  const ScgiAnswer answer = parse_scgi_answer("Status: 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nno");
  EXPECT_EQ(answer.status, 403);
  ASSERT_EQ(answer.headers.size(), 2u);
  EXPECT_EQ(answer.headers[1].second, "text/plain");
  EXPECT_EQ(answer.body, "no");
  EXPECT_THROW(parse_scgi_answer(""), StatusError);
  EXPECT_THROW(parse_scgi_answer("HTTP/1.1 200 OK\r\n\r\n"), StatusError);
  EXPECT_THROW(parse_scgi_answer("Status: abc\r\n\r\n"), StatusError);
}

TEST(StatusScgiClientTest, AsksTheUnixSocketFirstAndWildcardsOnLoopback) {
  config::Config config = config::load_config_text("listen: [\"0.0.0.0:4000\", unix:/tmp/x.sock]\n");
  EXPECT_EQ(address_to_ask(config).path, "/tmp/x.sock");
  config = config::load_config_text("listen: [\"0.0.0.0:4000\"]\n");
  EXPECT_EQ(address_to_ask(config).host, "127.0.0.1");
  config = config::load_config_text("listen: \"[::]:4000\"\n");
  EXPECT_EQ(address_to_ask(config).host, "::1");
}

TEST(StatusScgiClientTest, NothingListeningIsNotRunning) {
  config::ListenAddress address;
  address.kind = config::ListenAddress::Kind::unix_socket;
  address.path = "/nonexistent/pscgi.sock";
  address.text = "unix:/nonexistent/pscgi.sock";
  try {
    scgi_get(address, "/_pscgi/metrics.json", std::chrono::milliseconds(1000));
    FAIL() << "connected to a socket that does not exist";
  } catch (const StatusError& e) {
    EXPECT_EQ(e.kind(), StatusError::Kind::not_running);
    EXPECT_NE(std::string(e.what()).find("not running at unix:/nonexistent/pscgi.sock"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pscgi::status
