#include "cache/validators.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace pscgi::cache {
namespace {

TEST(EntityTagTest, ParsesStrongAndWeakAndRejectsTheRest) {
  auto strong = parse_entity_tag(R"("abc")");
  ASSERT_TRUE(strong);
  EXPECT_FALSE(strong->weak);
  EXPECT_EQ(strong->opaque, R"("abc")");
  auto weak = parse_entity_tag(R"(W/"abc")");
  ASSERT_TRUE(weak);
  EXPECT_TRUE(weak->weak);
  EXPECT_EQ(weak->opaque, R"("abc")");
  EXPECT_TRUE(parse_entity_tag(R"("")"));
  for (const char* bad : {"abc", R"("abc)", R"(w/"abc")", R"("a"b")", "\"a b\"", "W/", R"(")", ""}) {
    EXPECT_FALSE(parse_entity_tag(bad)) << bad;
  }
}

TEST(EntityTagTest, WeakAndStrongComparison) {
  const EntityTag s1{false, R"("1")"}, w1{true, R"("1")"}, s2{false, R"("2")"};
  EXPECT_TRUE(weak_match(s1, w1));
  EXPECT_TRUE(weak_match(w1, w1));
  EXPECT_FALSE(weak_match(s1, s2));
  EXPECT_TRUE(strong_match(s1, s1));
  EXPECT_FALSE(strong_match(s1, w1));
  EXPECT_FALSE(strong_match(w1, w1));
}

TEST(IfNoneMatchTest, EachForm) {
  const std::string_view etag = R"("v1")";
  EXPECT_TRUE(if_none_match_matches(R"("v1")", etag));
  EXPECT_TRUE(if_none_match_matches(R"(W/"v1")", etag));
  EXPECT_TRUE(if_none_match_matches(R"(W/"v1")", R"(W/"v1")"));
  EXPECT_TRUE(if_none_match_matches(R"("v1")", R"(W/"v1")"));
  EXPECT_FALSE(if_none_match_matches(R"("v2")", etag));
  EXPECT_TRUE(if_none_match_matches(R"("v0", W/"v1" ,"v2")", etag));
  EXPECT_FALSE(if_none_match_matches(R"("v0", "v2")", etag));
  EXPECT_TRUE(if_none_match_matches("*", etag));
  EXPECT_TRUE(if_none_match_matches("*", std::nullopt));
  EXPECT_FALSE(if_none_match_matches(R"("v1")", std::nullopt));
  EXPECT_FALSE(if_none_match_matches("v1", etag));               // not an entity tag
  EXPECT_TRUE(if_none_match_matches(R"(junk, "v1")", etag));     // the bad member is skipped
  EXPECT_FALSE(if_none_match_matches(R"("v1")", "v1"));          // the response's ETag is invalid
  EXPECT_FALSE(if_none_match_matches(R"("v1,v2")", R"("v1")"));  // a comma inside the quotes
}

TEST(IfModifiedSinceTest, EqualAndOlderAreNotModifiedNewerIs) {
  const char* last_modified = "Sun, 06 Nov 1994 08:49:37 GMT";
  EXPECT_TRUE(not_modified_since("Sun, 06 Nov 1994 08:49:37 GMT", last_modified));   // equal
  EXPECT_TRUE(not_modified_since("Mon, 07 Nov 1994 08:49:37 GMT", last_modified));   // client's copy is newer
  EXPECT_FALSE(not_modified_since("Sun, 06 Nov 1994 08:49:36 GMT", last_modified));  // modified since
  EXPECT_TRUE(not_modified_since("Sunday, 06-Nov-94 08:49:37 GMT", last_modified));
  EXPECT_FALSE(not_modified_since("yesterday", last_modified));
  EXPECT_FALSE(not_modified_since("Sun, 06 Nov 1994 08:49:37 GMT", std::nullopt));
  EXPECT_FALSE(not_modified_since("Sun, 06 Nov 1994 08:49:37 GMT", "garbage"));
}

Request conditional(std::vector<std::pair<std::string, std::string>> headers, std::string method = "GET") {
  headers.emplace_back("REQUEST_METHOD", std::move(method));
  headers.emplace_back("REQUEST_URI", "/");
  return Request::from_variables(headers);
}

TEST(IsNotModifiedTest, IfNoneMatchWinsOverIfModifiedSince) {
  auto response = ResponseBuilder(200)
                      .header("ETag", R"("v1")")
                      .header("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT")
                      .body("x")
                      .finish();
  const std::string lm = "Sun, 06 Nov 1994 08:49:37 GMT";
  EXPECT_FALSE(
      is_not_modified(conditional({{"HTTP_IF_NONE_MATCH", R"("v2")"}, {"HTTP_IF_MODIFIED_SINCE", lm}}), *response));
  EXPECT_TRUE(
      is_not_modified(conditional({{"HTTP_IF_NONE_MATCH", R"("v1")"}, {"HTTP_IF_MODIFIED_SINCE", "bad"}}), *response));
  EXPECT_TRUE(is_not_modified(conditional({{"HTTP_IF_MODIFIED_SINCE", lm}}), *response));
  EXPECT_TRUE(is_not_modified(conditional({{"HTTP_IF_MODIFIED_SINCE", lm}}, "HEAD"), *response));
  EXPECT_FALSE(is_not_modified(conditional({{"HTTP_IF_MODIFIED_SINCE", lm}}, "POST"), *response));
  EXPECT_FALSE(is_not_modified(conditional({}), *response));
}

TEST(IsNotModifiedTest, OnlyA200CanBecomeA304) {
  for (int status : {201, 203, 204, 301, 404, 410, 500}) {
    auto response = ResponseBuilder(status).header("ETag", R"("v1")").finish();
    EXPECT_FALSE(is_not_modified(conditional({{"HTTP_IF_NONE_MATCH", "*"}}), *response)) << status;
  }
}

TEST(NotModifiedTest, CarriesExactlyTheAllowedHeaders) {
  auto full = ResponseBuilder(200)
                  .header("Content-Type", "text/html")
                  .header("ETag", R"("v1")")
                  .header("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT")
                  .header("Cache-Control", "max-age=60")
                  .header("Set-Cookie", "a=1")
                  .header("Expires", "Sun, 06 Nov 2094 08:49:37 GMT")
                  .header("Vary", "Accept")
                  .header("Vary", "Accept-Language")
                  .header("Date", "Sun, 06 Nov 1994 08:49:37 GMT")
                  .header("Content-Location", "/doc.html")
                  .header("Content-Encoding", "gzip")
                  .header("X-Custom", "1")
                  .body("the body")
                  .finish();
  auto not_modified = make_not_modified(*full);
  EXPECT_NE(not_modified.get(), full.get());
  EXPECT_EQ(not_modified->status(), 304);
  EXPECT_EQ(not_modified->body(), "");
  EXPECT_EQ(not_modified->wire(),
            "Status: 304 Not Modified\r\n"
            "ETag: \"v1\"\r\n"
            "Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Cache-Control: max-age=60\r\n"
            "Expires: Sun, 06 Nov 2094 08:49:37 GMT\r\n"
            "Vary: Accept\r\n"
            "Vary: Accept-Language\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Location: /doc.html\r\n"
            "\r\n");
  EXPECT_EQ(not_modified->cache_policy(), CachePolicy::never);
  EXPECT_EQ(full->body(), "the body");
}

}  // namespace
}  // namespace pscgi::cache
