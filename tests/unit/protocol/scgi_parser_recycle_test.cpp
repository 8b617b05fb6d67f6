// A parser given its requests' buffers back parses the next request into them: the same answers
// as a fresh parser, and no allocation once it has seen a request as large.

#include "protocol/scgi_parser.hpp"

#include "unit/protocol/scgi_test_support.hpp"
#include "unit/support/allocation_counting.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pscgi::protocol {
namespace {

using testing::scgi_request_with_body;
using State = ScgiParser::State;

constexpr ParserLimits limits{4096, 1 << 20};

Request parse(ScgiParser& parser, const std::string& wire) {
  EXPECT_EQ(parser.feed(wire), wire.size());
  EXPECT_EQ(parser.state(), State::complete);
  return parser.take_request();
}

TEST(ScgiParserRecycleTest, ARecycledParserParsesTheNextRequestWithoutAllocating) {
  ScgiParser parser(limits);
  const std::string long_uri = "/" + std::string(200, 'u');
  const std::string first =
      scgi_request_with_body("", {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", long_uri}, {"HTTP_HOST", "a.example"}});
  parser.recycle(parse(parser, first));

  const std::string second = scgi_request_with_body(
      "", {{"REQUEST_METHOD", "HEAD"}, {"REQUEST_URI", "/b" + std::string(150, 'b')}, {"HTTP_HOST", "b.example"}});
  pscgi::testing::CountedAllocations allocations;
  ASSERT_EQ(parser.feed(second), second.size());
  ASSERT_EQ(parser.state(), State::complete);
  Request request = parser.take_request();
  const std::size_t allocated = allocations.count();

  EXPECT_EQ(allocated, 0u);
  EXPECT_EQ(request.method(), "HEAD");
  EXPECT_EQ(request.uri(), "/b" + std::string(150, 'b'));
  EXPECT_EQ(request.find("HTTP_HOST"), "b.example");
  EXPECT_EQ(request.find("REQUEST_URI"), request.uri());
}

// Joined repeats live in the storage past the block: a recycled buffer must not keep any of them.
TEST(ScgiParserRecycleTest, ARecycledRequestLeavesNothingBehind) {
  ScgiParser parser(limits);
  parser.recycle(parse(parser, scgi_request_with_body("", {{"REQUEST_METHOD", "GET"},
                                                           {"HTTP_ACCEPT", "text/html"},
                                                           {"HTTP_ACCEPT", "text/plain"}})));
  const Request request = parse(parser, scgi_request_with_body("xy", {{"REQUEST_METHOD", "POST"}}));
  EXPECT_EQ(request.method(), "POST");
  EXPECT_EQ(request.find("HTTP_ACCEPT"), std::nullopt);
  EXPECT_EQ(request.body(), "xy");
}

// Once the next request has begun, a late recycle changes nothing.
TEST(ScgiParserRecycleTest, RecyclingAfterTheNextRequestBeganIsIgnored) {
  ScgiParser parser(limits);
  Request old = parse(parser, scgi_request_with_body("", {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/old"}}));
  const std::string next = scgi_request_with_body("", {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/next"}});
  ASSERT_EQ(parser.feed(next.substr(0, 20)), 20u);
  parser.recycle(std::move(old));
  ASSERT_EQ(parser.feed(next.substr(20)), next.size() - 20);
  ASSERT_EQ(parser.state(), State::complete);
  EXPECT_EQ(parser.take_request().uri(), "/next");
}

}  // namespace
}  // namespace pscgi::protocol
