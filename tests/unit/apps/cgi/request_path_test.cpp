#include "apps/cgi/request_path.hpp"

#include <gtest/gtest.h>

namespace pscgi::apps::cgi {
namespace {

using Segments = std::vector<std::string>;

TEST(RequestPathTest, SplitsAndDecodesSegments) {
  const DecodedPath path = decode_request_path("/a%20b/c+d/%C3%A9");
  ASSERT_TRUE(path.ok()) << path.problem;
  EXPECT_EQ(path.segments, (Segments{"a b", "c+d", "\xC3\xA9"}));
  EXPECT_EQ(path.join_from(0), "/a b/c+d/\xC3\xA9");
  EXPECT_EQ(path.join_from(1), "/c+d/\xC3\xA9");
  EXPECT_EQ(path.join_from(3), "");
}

TEST(RequestPathTest, KeepsEmptySegments) {
  EXPECT_EQ(decode_request_path("/").segments, (Segments{""}));
  EXPECT_EQ(decode_request_path("/a/").segments, (Segments{"a", ""}));
  EXPECT_EQ(decode_request_path("/a//b").join_from(0), "/a//b");
}

TEST(RequestPathTest, RefusesDotSegmentsRawOrEncoded) {
  for (const char* raw : {"/..", "/../etc/passwd", "/a/../b", "/a/.", "/%2e%2e/x", "/%2E%2e", "/.%2e/x", "/%2e/x"}) {
    const DecodedPath path = decode_request_path(raw);
    EXPECT_EQ(path.status, 404) << raw;
    EXPECT_FALSE(path.problem.empty()) << raw;
  }
}

TEST(RequestPathTest, DotsInsideANameAreFine) {
  const DecodedPath path = decode_request_path("/a..b/...");
  ASSERT_TRUE(path.ok()) << path.problem;
  EXPECT_EQ(path.segments, (Segments{"a..b", "..."}));
}

TEST(RequestPathTest, RefusesEncodedSlashesAndBackslashes) {
  for (const char* raw : {"/a%2fb", "/a%2Fb", "/..%2f..%2fetc", "/a\\b", "/a%5cb", "/%5C..%5C"}) {
    EXPECT_EQ(decode_request_path(raw).status, 404) << raw;
  }
}

TEST(RequestPathTest, RefusesNulControlBytesAndBrokenEscapesWith400) {
  EXPECT_EQ(decode_request_path(std::string_view("/a\0b", 4)).status, 400);
  for (const char* raw : {"/a%00b", "/a%0ab", "/a%zz", "/a%4", "/a%", "/\x01"}) {
    EXPECT_EQ(decode_request_path(raw).status, 400) << raw;
  }
}

TEST(RequestPathTest, RefusesPathsThatAreNotAbsolute) {
  EXPECT_EQ(decode_request_path("").status, 400);
  EXPECT_EQ(decode_request_path("a/b").status, 400);
  EXPECT_EQ(decode_request_path("http://example.com/").status, 400);
}

TEST(RequestPathTest, SplitsTheQueryAtTheFirstQuestionMark) {
  const PathAndQuery split = split_path_and_query("/a/b?x=1?y");
  EXPECT_EQ(split.path, "/a/b");
  EXPECT_EQ(split.query, "x=1?y");
  EXPECT_EQ(split_path_and_query("/a").query, "");
  EXPECT_EQ(split_path_and_query("/a").path, "/a");
}

}  // namespace
}  // namespace pscgi::apps::cgi
