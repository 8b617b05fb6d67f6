#include "apps/demo/html.hpp"

#include <gtest/gtest.h>

namespace pscgi::apps::demo {
namespace {

TEST(HtmlTest, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(html_escape("<a href=\"x\" title='y'>&amp;</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  EXPECT_EQ(html_escape("plain text"), "plain text");
  EXPECT_EQ(html_escape(""), "");
}

TEST(HtmlTest, PageEscapesTheTitleButNotTheBody) {
  const std::string page = html_page("a<b", "<p>ok</p>");
  EXPECT_NE(page.find("<title>a&lt;b</title>"), std::string::npos);
  EXPECT_NE(page.find("<p>ok</p>"), std::string::npos);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
}

TEST(HtmlTest, ResponsesCarryTheirContentType) {
  EXPECT_EQ(html_response(200, "x")->header("Content-Type"), "text/html; charset=utf-8");
  const ResponsePtr text = text_response(400, "bad");
  EXPECT_EQ(text->status(), 400);
  EXPECT_EQ(text->header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(text->header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(text->body(), "bad");
}

}  // namespace
}  // namespace pscgi::apps::demo
