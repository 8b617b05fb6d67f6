#include "protocol/scgi_parser.hpp"

#include "unit/protocol/scgi_test_support.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace pscgi::protocol {
namespace {

using testing::scgi_request;
using testing::scgi_request_with_body;
using State = ScgiParser::State;

constexpr ParserLimits limits{4096, 1 << 20};

// True when `parser` has consumed no byte since it was made or reset: told that the input ended, it
// reports exactly what a new parser reports. Works on a copy, so the parser under test is untouched.
bool consumed_nothing(ScgiParser parser) {
  ScgiParser fresh(limits);
  fresh.finish_input();
  parser.finish_input();
  return parser.error() == fresh.error() && parser.error_detail() == fresh.error_detail();
}

TEST(ScgiParserApiTest, ReportsProgressThroughTheRequest) {
  const std::string wire = scgi_request_with_body("0123456789", {{"REQUEST_METHOD", "POST"}});
  const std::size_t header_size = wire.size() - 10;
  ScgiParser parser(limits);
  EXPECT_TRUE(consumed_nothing(parser));
  EXPECT_EQ(parser.feed(wire.substr(0, 3)), 3u);
  EXPECT_FALSE(consumed_nothing(parser));
  EXPECT_EQ(parser.state(), State::header);
  EXPECT_FALSE(parser.header_complete());
  EXPECT_EQ(parser.body_bytes_missing(), 0u);
  EXPECT_EQ(parser.error_code(), std::error_code());

  EXPECT_EQ(parser.feed(wire.substr(3, header_size - 3)), header_size - 3);
  EXPECT_EQ(parser.state(), State::body);
  EXPECT_TRUE(parser.header_complete());
  EXPECT_EQ(parser.content_length(), 10u);
  EXPECT_EQ(parser.body_bytes_missing(), 10u);

  EXPECT_EQ(parser.feed(wire.substr(header_size, 4)), 4u);
  EXPECT_EQ(parser.body_bytes_missing(), 6u);
  EXPECT_EQ(parser.feed(wire.substr(header_size + 4)), 6u);
  EXPECT_EQ(parser.state(), State::complete);
  EXPECT_TRUE(parser.header_complete());
  EXPECT_EQ(parser.body_bytes_missing(), 0u);
  const Request request = parser.take_request();
  EXPECT_EQ(request.method(), "POST");
  EXPECT_EQ(request.body(), "0123456789");
}

TEST(ScgiParserApiTest, StopsAtTheEndOfTheRequest) {
  const std::string wire = scgi_request_with_body("body");
  ScgiParser parser(limits);
  EXPECT_EQ(parser.feed(wire + "NEXT"), wire.size());
  EXPECT_EQ(parser.state(), State::complete);
  EXPECT_EQ(parser.feed("more"), 0u);
  parser.finish_input();
  EXPECT_EQ(parser.state(), State::complete);
  EXPECT_EQ(parser.take_request().body(), "body");
}

TEST(ScgiParserApiTest, RequestWithoutBodyCompletesAtTheComma) {
  const std::string wire = scgi_request_with_body("");
  ScgiParser parser(limits);
  EXPECT_EQ(parser.feed(wire.substr(0, wire.size() - 1)), wire.size() - 1);
  EXPECT_EQ(parser.state(), State::header);
  EXPECT_EQ(parser.feed(","), 1u);
  EXPECT_EQ(parser.state(), State::complete);
}

TEST(ScgiParserApiTest, StaysFailedAndConsumesNothingMore) {
  ScgiParser parser(limits);
  EXPECT_EQ(parser.feed("12x45"), 3u);  // up to and including the byte that failed
  ASSERT_EQ(parser.state(), State::failed);
  EXPECT_EQ(parser.error(), ScgiError::missing_colon);
  EXPECT_EQ(parser.error_code(), ScgiError::missing_colon);
  EXPECT_EQ(parser.feed(scgi_request_with_body("")), 0u);
  parser.finish_input();
  EXPECT_EQ(parser.state(), State::failed);
  EXPECT_EQ(parser.error(), ScgiError::missing_colon);
  EXPECT_THROW(parser.take_request(), std::logic_error);
}

TEST(ScgiParserApiTest, FinishInputTruncatesInEveryPhase) {
  const std::string wire = scgi_request_with_body("abc");
  for (std::size_t cut = 0; cut < wire.size(); ++cut) {
    ScgiParser parser(limits);
    parser.feed(wire.substr(0, cut));
    EXPECT_EQ(!consumed_nothing(parser), cut > 0);
    parser.finish_input();
    ASSERT_EQ(parser.state(), State::failed) << cut;
    EXPECT_EQ(parser.error(), ScgiError::truncated) << cut;
    EXPECT_FALSE(parser.error_detail().empty());
  }
}

TEST(ScgiParserApiTest, TakeRequestOnlyWhenCompleteThenStartsOver) {
  ScgiParser parser(limits);
  EXPECT_THROW(parser.take_request(), std::logic_error);
  const std::string first = scgi_request_with_body("one", {{"REQUEST_URI", "/1"}});
  parser.feed(first.substr(0, 10));
  EXPECT_THROW(parser.take_request(), std::logic_error);
  parser.feed(first.substr(10));
  EXPECT_EQ(parser.take_request().uri(), "/1");
  EXPECT_EQ(parser.state(), State::header);
  EXPECT_TRUE(consumed_nothing(parser));
  EXPECT_EQ(parser.content_length(), 0u);
  EXPECT_THROW(parser.take_request(), std::logic_error);

  const std::string second = scgi_request_with_body("second", {{"REQUEST_URI", "/2"}});
  EXPECT_EQ(parser.feed(second), second.size());
  const Request request = parser.take_request();
  EXPECT_EQ(request.uri(), "/2");
  EXPECT_EQ(request.body(), "second");
}

TEST(ScgiParserApiTest, ResetAfterFailureParsesAFreshRequest) {
  ScgiParser parser(limits);
  parser.feed("5:abcde,");
  ASSERT_EQ(parser.state(), State::failed);
  parser.reset();
  EXPECT_EQ(parser.state(), State::header);
  EXPECT_EQ(parser.error_code(), std::error_code());
  EXPECT_TRUE(parser.error_detail().empty());
  const std::string wire = scgi_request_with_body("x");
  EXPECT_EQ(parser.feed(wire), wire.size());
  EXPECT_EQ(parser.take_request().body(), "x");
}

TEST(ScgiParserApiTest, RefusesAHeaderLimitItCannotRepresent) {
  EXPECT_THROW(ScgiParser(ParserLimits{(std::size_t{1} << 30) + 1, 0}), std::invalid_argument);
  EXPECT_NO_THROW(ScgiParser(ParserLimits{std::size_t{1} << 30, 0}));
}

TEST(ScgiParserApiTest, DetailEscapesPeerBytes) {
  ScgiParser parser(limits);
  parser.feed(scgi_request({{"CONTENT_LENGTH", std::string("1\x01\xff\n'") + std::string(100, 'x')}, {"SCGI", "1"}}));
  ASSERT_EQ(parser.error(), ScgiError::bad_content_length);
  const std::string detail(parser.error_detail());
  EXPECT_NE(detail.find("1\\x01\\xff\\x0a'xxx"), std::string::npos) << detail;
  EXPECT_NE(detail.find("..."), std::string::npos) << detail;
  EXPECT_LT(detail.size(), 150u);
}

TEST(ScgiParserApiTest, RepeatsAmongManyVariablesAreStillRefused) {
  testing::Variables many;
  for (int i = 0; i < 50; ++i) many.emplace_back("HTTP_X_" + std::to_string(i), "v");
  for (const char* name : {"CONTENT_LENGTH", "SCGI"}) {
    testing::Variables variables = many;
    variables.emplace_back(name, "1");
    ScgiParser parser(limits);
    parser.feed(scgi_request_with_body("", variables));
    EXPECT_EQ(parser.error(), std::string_view(name) == "SCGI" ? ScgiError::repeated_scgi
                                                               : ScgiError::repeated_content_length);
  }
}

}  // namespace
}  // namespace pscgi::protocol
