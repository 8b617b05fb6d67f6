#include <pscgi/cookies.hpp>

#include <gtest/gtest.h>

#include <string>

namespace pscgi {
namespace {

TEST(CookiesTest, FindsCookiesByName) {
  const Cookies jar("session=abc123; theme=dark;lang = en ");
  EXPECT_EQ(jar.find("session"), "abc123");
  EXPECT_EQ(jar.find("theme"), "dark");
  EXPECT_EQ(jar.find("lang"), "en");
  EXPECT_EQ(jar.find("Session"), std::nullopt);
  EXPECT_TRUE(jar.contains("theme"));
  EXPECT_EQ(jar.all().size(), 3u);
}

TEST(CookiesTest, IsLenientAboutWhatBrowsersSend) {
  const Cookies jar("junk; =nameless; q=\"quoted value\"; a=1; a=2; empty=; eq=x=y");
  EXPECT_EQ(jar.find("q"), "quoted value");
  EXPECT_EQ(jar.find("a"), "1");  // the first wins
  EXPECT_EQ(jar.find("empty"), "");
  EXPECT_EQ(jar.find("eq"), "x=y");
  EXPECT_EQ(jar.find("junk"), std::nullopt);
  EXPECT_EQ(jar.all().size(), 5u);
  EXPECT_TRUE(Cookies("").all().empty());
}

TEST(CookiesTest, ReadsTheRequestsCookieHeader) {
  const Request request = Request::from_variables({{"REQUEST_METHOD", "GET"}, {"HTTP_COOKIE", "id=7; x=y"}});
  EXPECT_EQ(cookie(request, "id"), "7");
  EXPECT_EQ(cookies(request).find("x"), "y");
  EXPECT_EQ(cookie(Request(), "id"), std::nullopt);
}

}  // namespace
}  // namespace pscgi
