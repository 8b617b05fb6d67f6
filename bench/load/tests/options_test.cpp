#include "options.hpp"

#include "target.hpp"

#include <gtest/gtest.h>
#include <CLI/CLI.hpp>

#include <stdexcept>
#include <vector>

namespace pscgi::load {
namespace {

using std::chrono::nanoseconds;

TEST(OptionsTest, ParsesDurations) {
  EXPECT_EQ(parse_duration("10s"), nanoseconds(10'000'000'000));
  EXPECT_EQ(parse_duration("3"), nanoseconds(3'000'000'000));
  EXPECT_EQ(parse_duration("250ms"), nanoseconds(250'000'000));
  EXPECT_EQ(parse_duration("1.5m"), nanoseconds(90'000'000'000));
  EXPECT_EQ(parse_duration("100us"), nanoseconds(100'000));
  EXPECT_EQ(parse_duration("0"), nanoseconds(0));
  for (const char* bad : {"", "s", "10x", "-1s", "ten", "1e30h", "10 s"}) {
    EXPECT_THROW(parse_duration(bad), std::invalid_argument) << bad;
  }
}

TEST(OptionsTest, ParsesHeaderOptions) {
  EXPECT_EQ(parse_header_option("Cookie: a=b; c=d"),
            (std::pair<std::string, std::string>{"Cookie", "a=b; c=d"}));
  EXPECT_EQ(parse_header_option("X-Empty:"), (std::pair<std::string, std::string>{"X-Empty", ""}));
  EXPECT_THROW(parse_header_option("no colon"), std::invalid_argument);
  EXPECT_THROW(parse_header_option(": value"), std::invalid_argument);
}

Options parse(std::vector<std::string> args) {
  Options options;
  CLI::App app;
  add_options(app, options);
  args.insert(args.begin(), "pscgi-load");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  finalize_options(options);
  return options;
}

TEST(OptionsTest, DefaultsToOneConnectionForTenSeconds) {
  const Options o = parse({"--connect", "unix:/tmp/x"});
  EXPECT_EQ(o.concurrency, 1);
  EXPECT_EQ(o.rate, 0);
  ASSERT_TRUE(o.duration);
  EXPECT_EQ(*o.duration, std::chrono::seconds(10));
  EXPECT_EQ(o.warmup, std::chrono::seconds(1));
  EXPECT_EQ(o.timeout, std::chrono::seconds(5));
}

TEST(OptionsTest, RequestsAloneMeansNoTimeLimit) {
  const Options o = parse({"--connect", "unix:/tmp/x", "-n", "500", "--uri", "/a", "--uri", "/b"});
  EXPECT_FALSE(o.duration);
  ASSERT_TRUE(o.requests);
  EXPECT_EQ(*o.requests, 500u);
  EXPECT_EQ(o.uris, (std::vector<std::string>{"/a", "/b"}));
}

TEST(OptionsTest, RejectsContradictions) {
  EXPECT_THROW(parse({"--connect", "u:1", "--concurrency", "2", "--rate", "100"}),
               CLI::ExcludesError);
  EXPECT_THROW(parse({"--connect", "u:1", "--zipf", "10", "--uri", "/"}), CLI::ExcludesError);
  EXPECT_THROW(parse({"--rate", "100"}), CLI::RequiredError);
  EXPECT_THROW(parse({"--connect", "u:1", "--duration", "0s"}), std::invalid_argument);
  EXPECT_THROW(parse({"--connect", "u:1", "--header", "bad"}), std::invalid_argument);
  EXPECT_THROW(parse({"--connect", "u:1", "--concurrency", "0"}), CLI::ValidationError);
}

TEST(OptionsTest, InOrderIsOffByDefaultAndNeedsOneThread) {
  EXPECT_FALSE(parse({"--connect", "u:1"}).in_order);
  EXPECT_TRUE(parse({"--connect", "u:1", "--zipf", "10", "--in-order"}).in_order);
  EXPECT_THROW(parse({"--connect", "u:1", "--in-order", "--threads", "2"}), std::invalid_argument);
}

TEST(TargetTest, ParsesAddresses) {
  const Address unix_socket = parse_address("unix:/run/pscgi.sock");
  EXPECT_TRUE(unix_socket.is_unix);
  EXPECT_EQ(unix_socket.path, "/run/pscgi.sock");
  const Address tcp = parse_address("127.0.0.1:9000");
  EXPECT_FALSE(tcp.is_unix);
  EXPECT_EQ(tcp.host, "127.0.0.1");
  EXPECT_EQ(tcp.port, 9000);
  EXPECT_EQ(parse_address("[::1]:80").host, "::1");
  for (const char* bad : {"unix:", "localhost", "host:0", "host:70000", ":80", "host:8x"}) {
    EXPECT_THROW(parse_address(bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace pscgi::load
