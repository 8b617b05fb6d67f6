#include "response_check.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pscgi::load {
namespace {

constexpr std::string_view ok_response =
    "Status: 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello";

TEST(ResponseCheckTest, AcceptsACompleteResponse) {
  const auto r = check_response(ok_response);
  EXPECT_EQ(r.verdict, ResponseVerdict::ok);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body_bytes, 5u);
}

TEST(ResponseCheckTest, EveryTruncationIsAnErrorNeverOk) {
  // Cut the response at every byte: nothing short of the whole thing may pass.
  for (std::size_t n = 0; n < ok_response.size(); ++n) {
    const auto r = check_response(ok_response.substr(0, n));
    EXPECT_NE(r.verdict, ResponseVerdict::ok) << n;
    const auto expected = n == 0                       ? ResponseVerdict::eof_before_response
                          : n < ok_response.size() - 5 ? ResponseVerdict::malformed
                                                       : ResponseVerdict::short_body;
    EXPECT_EQ(r.verdict, expected) << n;
  }
}

TEST(ResponseCheckTest, MoreBodyThanContentLengthIsMalformed) {
  EXPECT_EQ(check_response(std::string(ok_response) + "!").verdict, ResponseVerdict::malformed);
}

TEST(ResponseCheckTest, WithoutContentLengthAnyBodyIsFine) {
  const auto r = check_response("Status: 404 Not Found\r\n\r\nnothing here, and no length");
  EXPECT_EQ(r.verdict, ResponseVerdict::ok);
  EXPECT_EQ(r.status, 404);
}

TEST(ResponseCheckTest, StatusIsRequiredAndMustBeThreeDigits) {
  EXPECT_EQ(check_response("Content-Length: 0\r\n\r\n").verdict, ResponseVerdict::malformed);
  EXPECT_EQ(check_response("Status: 20 OK\r\n\r\n").verdict, ResponseVerdict::malformed);
  EXPECT_EQ(check_response("Status: 2000\r\n\r\n").verdict, ResponseVerdict::malformed);
  EXPECT_EQ(check_response("Status: abc\r\n\r\n").verdict, ResponseVerdict::malformed);
  EXPECT_EQ(check_response("Status: 099 Odd\r\n\r\n").verdict, ResponseVerdict::malformed);
  EXPECT_EQ(check_response("Status: 503\r\n\r\n").status, 503);
  EXPECT_EQ(check_response("HTTP/1.1 200 OK\r\n\r\n").verdict, ResponseVerdict::malformed);
}

TEST(ResponseCheckTest, HeaderNamesAreCaseInsensitive) {
  const auto r = check_response("status: 301 Moved\r\ncontent-length: 2\r\nLocation: /x\r\n\r\nab");
  EXPECT_EQ(r.verdict, ResponseVerdict::ok);
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(check_response("STATUS: 200\r\nCONTENT-LENGTH: 3\r\n\r\nab").verdict,
            ResponseVerdict::short_body);
}

TEST(ResponseCheckTest, BadOrConflictingContentLengthIsMalformed) {
  EXPECT_EQ(check_response("Status: 200\r\nContent-Length: x\r\n\r\n").verdict,
            ResponseVerdict::malformed);
  EXPECT_EQ(check_response("Status: 200\r\nContent-Length: -1\r\n\r\n").verdict,
            ResponseVerdict::malformed);
  EXPECT_EQ(
      check_response("Status: 200\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab").verdict,
      ResponseVerdict::malformed);
  EXPECT_EQ(
      check_response("Status: 200\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab").verdict,
      ResponseVerdict::ok);
}

TEST(ResponseCheckTest, AHeaderLineWithoutAColonIsMalformed) {
  EXPECT_EQ(check_response("Status: 200\r\nnonsense\r\n\r\n").verdict, ResponseVerdict::malformed);
}

TEST(ResponseCheckTest, BareLfHeadsAreAccepted) {
  const auto r = check_response("Status: 200 OK\nContent-Length: 3\n\nabc");
  EXPECT_EQ(r.verdict, ResponseVerdict::ok);
  EXPECT_EQ(r.body_bytes, 3u);
}

TEST(ResponseCheckTest, CrlfInTheBodyDoesNotConfuseTheHeadEnd) {
  const auto r = check_response("Status: 200\r\nContent-Length: 6\r\n\r\na\n\nb\r\n");
  EXPECT_EQ(r.verdict, ResponseVerdict::ok);
  EXPECT_EQ(r.body_bytes, 6u);
}

TEST(ResponseCheckTest, BodilessResponsesMustHaveNoBody) {
  // 304 and HEAD answers carry the Content-Length of the full representation, but no body.
  EXPECT_EQ(check_response("Status: 304 Not Modified\r\nContent-Length: 10\r\n\r\n").verdict,
            ResponseVerdict::ok);
  EXPECT_EQ(check_response("Status: 204\r\n\r\nx").verdict, ResponseVerdict::malformed);
  const std::string head_answer = "Status: 200 OK\r\nContent-Length: 5\r\n\r\n";
  EXPECT_EQ(check_response(head_answer, true).verdict, ResponseVerdict::ok);
  EXPECT_EQ(check_response(head_answer, false).verdict, ResponseVerdict::short_body);
  EXPECT_EQ(check_response(std::string(ok_response), true).verdict, ResponseVerdict::malformed);
}

}  // namespace
}  // namespace pscgi::load
