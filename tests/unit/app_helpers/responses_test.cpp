#include <pscgi/responses.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace pscgi {
namespace {

TEST(ResponsesTest, HtmlTextAndJsonTextSetTheirTypeAndStatus) {
  const ResponsePtr page = html("<p>hi</p>");
  EXPECT_EQ(page->status(), 200);
  EXPECT_EQ(page->header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page->body(), "<p>hi</p>");
  const ResponsePtr plain = text("gone", 410);
  EXPECT_EQ(plain->status(), 410);
  EXPECT_EQ(plain->header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(plain->header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(page->header("X-Content-Type-Options"), std::nullopt);
  const ResponsePtr data = json_text("{\"a\":1}", 201);
  EXPECT_EQ(data->status(), 201);
  EXPECT_EQ(data->header("Content-Type"), "application/json");
  EXPECT_EQ(data->body(), "{\"a\":1}");
}

TEST(ResponsesTest, RedirectSetsLocationForEachRedirectStatus) {
  for (int status : {301, 302, 303, 307, 308}) {
    const ResponsePtr r = redirect("/items?x=1", status);
    EXPECT_EQ(r->status(), status);
    EXPECT_EQ(r->header("Location"), "/items?x=1");
  }
  EXPECT_EQ(redirect("https://example.org/")->status(), 302);
}

TEST(ResponsesTest, RedirectRefusesOtherStatusesAndBadLocations) {
  EXPECT_THROW(redirect("/x", 200), std::invalid_argument);
  EXPECT_THROW(redirect("/x", 304), std::invalid_argument);
  EXPECT_THROW(redirect("", 302), std::invalid_argument);
  EXPECT_THROW(redirect("/x\r\nSet-Cookie: a=1", 302), std::invalid_argument);
}

TEST(ResponsesTest, ErrorHasStatusReasonAndMessage) {
  const ResponsePtr r = error(404, "no user 7");
  EXPECT_EQ(r->status(), 404);
  EXPECT_EQ(r->body(), "404 Not Found\nno user 7\n");
  EXPECT_EQ(r->header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(error(503)->body(), "503 Service Unavailable\n");
}

TEST(ResponsesTest, HtmlEscapeEscapesMarkupAndQuotes) {
  EXPECT_EQ(html_escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(html_escape("plain"), "plain");
}

}  // namespace
}  // namespace pscgi
