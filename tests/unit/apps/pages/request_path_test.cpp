#include "apps/pages/request_path.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pscgi::apps::pages {
namespace {

SitePath accepted(std::string_view target) {
  auto parsed = parse_request_path(target);
  if (const auto* refusal = std::get_if<PathRefusal>(&parsed)) {
    ADD_FAILURE() << target << " was refused: " << refusal->reason;
    return {};
  }
  return std::get<SitePath>(parsed);
}

PathRefusal refused(std::string_view target) {
  auto parsed = parse_request_path(target);
  if (std::holds_alternative<SitePath>(parsed)) {
    ADD_FAILURE() << target << " was accepted";
    return {};
  }
  return std::get<PathRefusal>(parsed);
}

TEST(RequestPathTest, SplitsAndDecodesNames) {
  const SitePath path = accepted("/docs/my%20page.md?x=1&y=/../..");
  EXPECT_EQ(path.names, (std::vector<std::string>{"docs", "my page.md"}));
  EXPECT_FALSE(path.trailing_slash);
  EXPECT_EQ(accepted("/caf%C3%A9").names, std::vector<std::string>{"caf\xC3\xA9"});
}

TEST(RequestPathTest, TheRootAndFoldersEndInASlash) {
  const SitePath root = accepted("/");
  EXPECT_TRUE(root.is_root());
  EXPECT_TRUE(root.trailing_slash);
  const SitePath folder = accepted("/a/b/");
  EXPECT_EQ(folder.names, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(folder.trailing_slash);
  EXPECT_TRUE(accepted("/?q").trailing_slash);
}

TEST(RequestPathTest, DotDotIsRefusedInEverySpelling) {
  for (const char* target : {"/..", "/../etc/passwd", "/a/../../b", "/a/..", "/%2e%2e/x", "/%2E%2E/x", "/.%2e/x",
                             "/%2e./x", "/a/%2e%2e/%2e%2e/etc/passwd"}) {
    SCOPED_TRACE(target);
    const PathRefusal refusal = refused(target);
    EXPECT_EQ(refusal.status, 400);
    EXPECT_NE(refusal.reason.find(".."), std::string::npos) << refusal.reason;
  }
  EXPECT_EQ(refused("/./x").status, 400);
  EXPECT_EQ(refused("/%2e/x").status, 400);
}

TEST(RequestPathTest, EncodedSlashesAndBackslashesAreRefused) {
  for (const char* target : {"/%2f", "/a%2f..%2f..%2fetc", "/%2Fetc%2Fpasswd", "/..%2f..%2fetc"}) {
    EXPECT_NE(refused(target).reason.find("slash"), std::string::npos) << target;
  }
  for (const char* target : {"/a\\b", "/..\\..\\etc\\passwd", "/a%5cb", "/a%5C..%5Cb"}) {
    EXPECT_NE(refused(target).reason.find("backslash"), std::string::npos) << target;
  }
}

TEST(RequestPathTest, NulBytesAreRefused) {
  EXPECT_EQ(refused("/page.md%00.png").reason, "a NUL byte");
  EXPECT_EQ(refused(std::string_view("/page\0.md", 9)).reason, "a NUL byte");
}

TEST(RequestPathTest, AbsoluteAndEmptyPathsAreRefused) {
  EXPECT_EQ(refused("//etc/passwd").status, 400);  // joined to the root it would start a new path
  EXPECT_EQ(refused("/a//b").status, 400);
  EXPECT_EQ(refused("etc/passwd").status, 400);
  EXPECT_EQ(refused("http://example.com/x").status, 400);
  EXPECT_EQ(refused("").status, 400);
}

TEST(RequestPathTest, BadPercentEscapesAreRefused) {
  for (const char* target : {"/a%", "/a%2", "/a%zz", "/a%2g"}) EXPECT_EQ(refused(target).reason, "a bad percent escape") << target;
}

TEST(RequestPathTest, HiddenNamesAreNotFound) {
  EXPECT_EQ(refused("/.git/config").status, 404);
  EXPECT_EQ(refused("/a/.env").status, 404);
  EXPECT_EQ(refused("/%2egit/config").status, 404);
}

}  // namespace
}  // namespace pscgi::apps::pages
