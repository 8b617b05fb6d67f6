#include "apps/cgi/cgi_response.hpp"

#include <gtest/gtest.h>

namespace pscgi::apps::cgi {
namespace {

CgiAnswer answer_for(std::string_view output) {
  const ParsedOutput parsed = parse_cgi_output(output);
  EXPECT_TRUE(parsed.ok()) << parsed.error;
  return interpret_output(parsed.head);
}

TEST(CgiResponseTest, ADocumentKeepsStatusHeadersAndBody) {
  const CgiAnswer answer = answer_for("Status: 404 Nope\nContent-Type: text/plain\nX-A: 1\n\nmissing\n");
  ASSERT_TRUE(answer.error.empty()) << answer.error;
  ASSERT_TRUE(answer.response);
  EXPECT_EQ(answer.response->status(), 404);
  EXPECT_EQ(answer.response->header("X-A"), "1");
  EXPECT_EQ(answer.response->header("Content-Length"), "8");
  EXPECT_EQ(answer.response->body(), "missing\n");
}

TEST(CgiResponseTest, StatusDefaultsTo200) {
  const CgiAnswer answer = answer_for("Content-Type: text/plain\n\nok");
  ASSERT_TRUE(answer.response);
  EXPECT_EQ(answer.response->status(), 200);
}

TEST(CgiResponseTest, WithoutCacheHeadersTheResponseIsUncacheable) {
  EXPECT_EQ(answer_for("Content-Type: text/plain\n\nok").response->cache_policy(), CachePolicy::never);
  EXPECT_EQ(answer_for("Content-Type: text/plain\nCache-Control: max-age=60\n\nok").response->cache_policy(),
            CachePolicy::automatic);
  EXPECT_EQ(answer_for("Content-Type: text/plain\nExpires: Thu, 01 Jan 2099 00:00:00 GMT\n\nok").response->cache_policy(),
            CachePolicy::automatic);
}

TEST(CgiResponseTest, ALocalPathWithoutStatusIsALocalRedirect) {
  const CgiAnswer answer = answer_for("Location: /other/page?x=1\n\n");
  EXPECT_FALSE(answer.response);
  EXPECT_EQ(answer.local_redirect, "/other/page?x=1");
}

TEST(CgiResponseTest, AnAbsoluteUrlWithoutStatusIsA302) {
  const CgiAnswer answer = answer_for("Location: https://example.com/x\n\n");
  ASSERT_TRUE(answer.response) << answer.error;
  EXPECT_EQ(answer.response->status(), 302);
  EXPECT_EQ(answer.response->header("Location"), "https://example.com/x");
  EXPECT_FALSE(answer.local_redirect);
}

TEST(CgiResponseTest, ANetworkPathIsNotLocal) {
  const CgiAnswer answer = answer_for("Location: //evil.example/x\n\n");
  EXPECT_FALSE(answer.local_redirect);
  EXPECT_FALSE(answer.response);
  EXPECT_FALSE(answer.error.empty());
}

TEST(CgiResponseTest, ALocationWithStatusIsPassedOnAsGiven) {
  const CgiAnswer answer = answer_for("Status: 301\nLocation: /moved\n\n");
  ASSERT_TRUE(answer.response) << answer.error;
  EXPECT_EQ(answer.response->status(), 301);
  EXPECT_EQ(answer.response->header("Location"), "/moved");
}

TEST(CgiResponseTest, RefusesARelativeLocationWithoutStatus) {
  EXPECT_FALSE(answer_for("Location: other\n\n").error.empty());
  EXPECT_FALSE(answer_for("Location: 1http://x\n\n").error.empty());
}

TEST(CgiResponseTest, ABodyNeedsAContentType) {
  const CgiAnswer answer = answer_for("Status: 200\n\nbody");
  EXPECT_FALSE(answer.response);
  EXPECT_NE(answer.error.find("Content-Type"), std::string::npos);
  EXPECT_TRUE(answer_for("Status: 204\n\n").response);
}

TEST(CgiResponseTest, NoBodyFor204Or304) {
  EXPECT_FALSE(answer_for("Status: 204\nContent-Type: a/b\n\nx").error.empty());
  EXPECT_FALSE(answer_for("Status: 304\nContent-Type: a/b\n\nx").error.empty());
}

}  // namespace
}  // namespace pscgi::apps::cgi
