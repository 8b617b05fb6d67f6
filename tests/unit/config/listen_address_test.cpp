#include "config/listen_address.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace pscgi::config {
namespace {

using ::testing::HasSubstr;

std::string message_of(std::string_view text) {
  try {
    parse_listen_address(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ListenAddressTest, ParsesUnixSockets) {
  const auto address = parse_listen_address("unix:/run/pscgi/pscgi.sock");
  EXPECT_EQ(address.kind, ListenAddress::Kind::unix_socket);
  EXPECT_EQ(address.path, "/run/pscgi/pscgi.sock");
  EXPECT_EQ(address.text, "unix:/run/pscgi/pscgi.sock");
}

TEST(ListenAddressTest, RefusesRelativeAndOverlongUnixPaths) {
  EXPECT_THAT(message_of("unix:pscgi.sock"), HasSubstr("must be absolute"));
  EXPECT_THAT(message_of("unix:"), HasSubstr("must be absolute"));
  const std::string longest = "/" + std::string(106, 'a');  // 107 bytes + NUL fills sun_path
  EXPECT_EQ(parse_listen_address("unix:" + longest).path, longest);
  EXPECT_THAT(message_of("unix:" + longest + "a"), HasSubstr("108 bytes long, the system allows at most 107"));
}

TEST(ListenAddressTest, ParsesIpv4IPv6AndHostNames) {
  const auto v4 = parse_listen_address("127.0.0.1:4000");
  EXPECT_EQ(v4.kind, ListenAddress::Kind::tcp);
  EXPECT_EQ(v4.host, "127.0.0.1");
  EXPECT_EQ(v4.port, 4000);
  const auto v6 = parse_listen_address("[::1]:65535");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 65535);
  EXPECT_EQ(v6.text, "[::1]:65535");
  const auto name = parse_listen_address("localhost:1");
  EXPECT_EQ(name.host, "localhost");
  EXPECT_EQ(name.port, 1);
}

TEST(ListenAddressTest, RefusesBadPorts) {
  EXPECT_THAT(message_of("127.0.0.1:0"), HasSubstr("the port must be a number from 1 to 65535, got \"0\""));
  EXPECT_THAT(message_of("127.0.0.1:65536"), HasSubstr("from 1 to 65535"));
  EXPECT_THAT(message_of("127.0.0.1:http"), HasSubstr("from 1 to 65535"));
  EXPECT_THAT(message_of("127.0.0.1:"), HasSubstr("from 1 to 65535"));
  EXPECT_THAT(message_of("127.0.0.1:-1"), HasSubstr("from 1 to 65535"));
}

TEST(ListenAddressTest, RefusesBadHostsWithAHint) {
  EXPECT_EQ(message_of("4000"), "\"4000\" has no host: write 127.0.0.1:4000 (or [::1]:4000)");
  EXPECT_THAT(message_of(":4000"), HasSubstr("needs a host: write 127.0.0.1:4000"));
  EXPECT_THAT(message_of("::1:4000"), HasSubstr("put an IPv6 address in brackets"));
  EXPECT_THAT(message_of("[zz::1]:4000"), HasSubstr("\"zz::1\" is not an IPv6 address"));
  EXPECT_THAT(message_of("[127.0.0.1]:4000"), HasSubstr("is not an IPv6 address"));
  EXPECT_THAT(message_of("999.0.0.1:4000"), HasSubstr("\"999.0.0.1\" is not an IPv4 address"));
  EXPECT_THAT(message_of("bad_host:4000"), HasSubstr("is not a host name or address"));
  EXPECT_THAT(message_of("/run/pscgi.sock"), HasSubstr("is not a listen address"));
  EXPECT_THAT(message_of(""), HasSubstr("expected an address"));
}

TEST(ListenAddressTest, ComparesEndpointsNotSpelling) {
  EXPECT_TRUE(same_endpoint(parse_listen_address("unix:/a.sock"), parse_listen_address("unix:/a.sock")));
  EXPECT_FALSE(same_endpoint(parse_listen_address("unix:/a.sock"), parse_listen_address("unix:/b.sock")));
  EXPECT_TRUE(same_endpoint(parse_listen_address("127.0.0.1:80"), parse_listen_address("127.0.0.1:80")));
  EXPECT_FALSE(same_endpoint(parse_listen_address("127.0.0.1:80"), parse_listen_address("127.0.0.1:81")));
  EXPECT_FALSE(same_endpoint(parse_listen_address("127.0.0.1:80"), parse_listen_address("[::1]:80")));
}

}  // namespace
}  // namespace pscgi::config
