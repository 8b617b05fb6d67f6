#include "protocol/scgi_parser.hpp"

#include "unit/protocol/scgi_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace pscgi::protocol {
namespace {

using testing::scgi_request;
using testing::scgi_request_with_body;
using testing::Variables;
using State = ScgiParser::State;

// The netstring payload: everything between the first ':' and the ','.
std::size_t block_size(const std::string& wire) { return wire.find(',', wire.find(':')) - wire.find(':') - 1; }

TEST(ScgiParserLimitsTest, HeaderExactlyAtTheLimitIsAccepted) {
  const std::string wire = scgi_request_with_body("", {{"HTTP_X", std::string(300, 'h')}});
  ScgiParser parser({block_size(wire), 0});
  EXPECT_EQ(parser.feed(wire), wire.size());
  EXPECT_EQ(parser.state(), State::complete) << parser.error_detail();
}

TEST(ScgiParserLimitsTest, HeaderOneOverTheLimitFailsAsSoonAsTheLengthIsRead) {
  const std::string wire = scgi_request_with_body("", {{"HTTP_X", std::string(300, 'h')}});
  const std::size_t prefix = wire.find(':') + 1;
  ScgiParser parser({block_size(wire) - 1, 0});
  EXPECT_EQ(parser.feed(wire.substr(0, prefix - 1)), prefix - 1);
  EXPECT_EQ(parser.state(), State::header);
  EXPECT_EQ(parser.feed(wire.substr(prefix - 1, 1)), 1u);  // the ':' itself decides
  ASSERT_EQ(parser.state(), State::failed);
  EXPECT_EQ(parser.error(), ScgiError::header_too_large);
  EXPECT_EQ(http_status(parser.error()), 431);
  EXPECT_NE(parser.error_detail().find(std::to_string(block_size(wire))), std::string::npos);
}

TEST(ScgiParserLimitsTest, BodyExactlyAtTheLimitIsAccepted) {
  const std::string wire = scgi_request_with_body(std::string(1000, 'b'));
  ScgiParser parser({4096, 1000});
  EXPECT_EQ(parser.feed(wire), wire.size());
  ASSERT_EQ(parser.state(), State::complete) << parser.error_detail();
  EXPECT_EQ(parser.take_request().body().size(), 1000u);
}

TEST(ScgiParserLimitsTest, BodyOneOverTheLimitFailsAtTheEndOfTheHeader) {
  const std::string body(1001, 'b');
  const std::string wire = scgi_request_with_body(body);
  const std::size_t header_size = wire.size() - body.size();
  ScgiParser parser({4096, 1000});
  EXPECT_EQ(parser.feed(wire.substr(0, header_size)), header_size);
  ASSERT_EQ(parser.state(), State::failed);
  EXPECT_EQ(parser.error(), ScgiError::body_too_large);
  EXPECT_EQ(http_status(parser.error()), 413);
  EXPECT_EQ(parser.content_length(), 1001u);
  EXPECT_EQ(parser.feed(body), 0u);
}

TEST(ScgiParserLimitsTest, ZeroLimitsAcceptOnlyAnEmptyBlock) {
  ScgiParser parser({0, 0});
  EXPECT_EQ(parser.feed("0:,"), 3u);
  EXPECT_EQ(parser.error(), ScgiError::missing_content_length);
  parser.reset();
  parser.feed("1:");
  EXPECT_EQ(parser.error(), ScgiError::header_too_large);
}

TEST(ScgiParserLimitsTest, LargeBodyInRandomChunks) {
  std::mt19937 random(20240611);
  std::string body(5 * 1024 * 1024 + 17, '\0');
  std::generate(body.begin(), body.end(), [&] { return static_cast<char>(random()); });
  const std::string wire = scgi_request_with_body(body, {{"REQUEST_METHOD", "PUT"}});
  ScgiParser parser({4096, 8 * 1024 * 1024});
  std::uniform_int_distribution<std::size_t> chunk(1, 100000);
  std::size_t offset = 0;
  while (offset < wire.size()) {
    const std::size_t size = std::min(chunk(random), wire.size() - offset);
    ASSERT_EQ(parser.feed(std::string_view(wire).substr(offset, size)), size) << offset;
    offset += size;
  }
  ASSERT_EQ(parser.state(), State::complete);
  const Request request = parser.take_request();
  EXPECT_EQ(request.method(), "PUT");
  EXPECT_TRUE(request.body() == body);
}

// A straightforward model of what the parser must do with repeats: join HTTP_*, keep the first of the
// rest. Random requests, across both sides of the parser's pairwise/sorted threshold, must agree.
Variables model_of(const Variables& sent) {
  Variables kept;
  for (const auto& [name, value] : sent) {
    auto it = std::find_if(kept.begin(), kept.end(), [&](const auto& v) { return v.first == name; });
    if (it == kept.end()) kept.emplace_back(name, value);
    else if (name.starts_with("HTTP_")) it->second += (name == "HTTP_COOKIE" ? "; " : ", ") + value;
  }
  return kept;
}

TEST(ScgiParserLimitsTest, RepeatsMatchASimpleModel) {
  const std::vector<std::string> names = {"HTTP_A", "HTTP_COOKIE", "HTTP_", "HTTPS", "REMOTE_ADDR", "X", "HTTP_B"};
  std::mt19937 random(7);
  for (int round = 0; round < 300; ++round) {
    Variables sent = {{"CONTENT_LENGTH", "0"}, {"SCGI", "1"}};
    const std::size_t count = random() % 80;
    for (std::size_t i = 0; i < count; ++i) {
      sent.emplace_back(names[random() % names.size()], std::string(random() % 4, static_cast<char>('a' + i % 26)));
    }
    ScgiParser parser({64 * 1024, 0});
    parser.feed(scgi_request(sent));
    ASSERT_EQ(parser.state(), State::complete) << parser.error_detail();
    const Request request = parser.take_request();
    Variables got;
    for (std::size_t i = 0; i < request.variable_count(); ++i) {
      got.emplace_back(std::string(request.variable(i).name), std::string(request.variable(i).value));
    }
    ASSERT_EQ(got, model_of(sent)) << "round " << round << " with " << count + 2 << " variables";
  }
}

}  // namespace
}  // namespace pscgi::protocol
