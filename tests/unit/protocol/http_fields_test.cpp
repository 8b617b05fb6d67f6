#include "protocol/http_fields.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pscgi::protocol {
namespace {

std::vector<std::string> members(std::string_view list) {
  std::vector<std::string> out;
  for_each_list_member(list, [&](std::string_view m) {
    out.emplace_back(m);
    return true;
  });
  return out;
}

TEST(HttpFieldsTest, SplitsListsButNotQuotedStrings) {
  EXPECT_EQ(members(" a , b,,c\t"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(members(R"("x,y", W/"z", private="a, b")"),
            (std::vector<std::string>{R"("x,y")", R"(W/"z")", R"(private="a, b")"}));
  EXPECT_EQ(members(""), std::vector<std::string>{});
  EXPECT_EQ(cgi_header_name("Accept-Encoding"), "HTTP_ACCEPT_ENCODING");
  EXPECT_TRUE(iequals("Cache-Control", "cache-CONTROL"));
  EXPECT_FALSE(iequals("Cache-Control", "Cache-Contro"));
}

TEST(HttpFieldsTest, ListVisitCanStopEarly) {
  std::vector<std::string> seen;
  for_each_list_member("a, b, c", [&](std::string_view m) {
    seen.emplace_back(m);
    return m != "b";
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(members(R"("a\", b", c)"), (std::vector<std::string>{R"("a\", b")", "c"}));
}

TEST(HttpFieldsTest, RepeatedResponseHeadersFormOneList) {
  const ResponsePtr response =
      ResponseBuilder(200).header("Vary", "Accept").header("X-Other", "no").header("vary", "Cookie, *").finish();
  std::vector<std::string> seen;
  for_each_response_list_member(*response, "VARY", [&](std::string_view m) {
    seen.emplace_back(m);
    return true;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"Accept", "Cookie", "*"}));
  seen.clear();
  for_each_response_list_member(*response, "Vary", [&](std::string_view m) {
    seen.emplace_back(m);
    return false;
  });
  EXPECT_EQ(seen, std::vector<std::string>{"Accept"});
}

TEST(HttpFieldsTest, CaseInsensitiveEqualityIsAsciiOnly) {
  EXPECT_TRUE(iequals("", ""));
  EXPECT_TRUE(iequals("ETAG", "etag"));
  EXPECT_FALSE(iequals("etag", "etags"));
  EXPECT_FALSE(iequals("a-b", "a_b"));
  EXPECT_FALSE(iequals("@", "`"));  // 0x40 and 0x60 differ by the case bit but are not letters
  EXPECT_FALSE(iequals("[", "{"));
  EXPECT_FALSE(iequals("\xC9", "\xE9"));  // Latin-1 É and é: no locale applies
}

TEST(HttpFieldsTest, CaseMappingTouchesOnlyAsciiLetters) {
  EXPECT_EQ(to_lower("Content-Type: X/Y 1@[`{"), "content-type: x/y 1@[`{");
  EXPECT_EQ(to_upper("get-z_09\xE9"), "GET-Z_09\xE9");
  EXPECT_EQ(to_lower('Q'), 'q');
  EXPECT_EQ(to_upper('q'), 'Q');
  EXPECT_EQ(to_upper('-'), '-');
}

TEST(HttpFieldsTest, CharacterClasses) {
  for (int i = 0; i < 256; ++i) {
    const char c = static_cast<char>(i);
    EXPECT_EQ(is_digit(c), i >= '0' && i <= '9') << i;
    EXPECT_EQ(is_upper(c), i >= 'A' && i <= 'Z') << i;
    EXPECT_EQ(is_lower(c), i >= 'a' && i <= 'z') << i;
    EXPECT_EQ(is_alnum(c), is_digit(c) || is_upper(c) || is_lower(c)) << i;
  }
}

TEST(HttpFieldsTest, TokenCharactersAreRfc9110Tchar) {
  const std::string tchar = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  for (int i = 0; i < 256; ++i) {
    const char c = static_cast<char>(i);
    EXPECT_EQ(is_token_char(c), tchar.find(c) != std::string::npos) << i;
  }
}

TEST(HttpFieldsTest, TrimsOnlySpacesAndTabsAtBothEnds) {
  EXPECT_EQ(trim_ows(" \t a b \t "), "a b");
  EXPECT_EQ(trim_ows("\r\na\n"), "\r\na\n");
  EXPECT_EQ(trim_ows(" \t "), "");
  EXPECT_EQ(trim_ows(""), "");
}

TEST(HttpFieldsTest, CgiNamesOfRequestHeaders) {
  EXPECT_EQ(cgi_header_name("If-None-Match"), "HTTP_IF_NONE_MATCH");
  EXPECT_EQ(cgi_header_name("x-forwarded-for"), "HTTP_X_FORWARDED_FOR");
  EXPECT_EQ(cgi_header_name("HOST"), "HTTP_HOST");
  EXPECT_EQ(cgi_header_name(""), "HTTP_");
}

}  // namespace
}  // namespace pscgi::protocol
