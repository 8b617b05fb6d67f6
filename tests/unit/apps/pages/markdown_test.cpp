#include "apps/pages/markdown.hpp"

#include <gtest/gtest.h>

namespace pscgi::apps::pages {
namespace {

bool contains(const std::string& text, std::string_view piece) { return text.find(piece) != std::string::npos; }

TEST(MarkdownTest, HeadingsGetIdsAndTheFirstIsTheTitle) {
  const RenderedMarkdown page = render_markdown("Intro text\n\n## Reload (SIGHUP)\n\n# Main `code` & more\n");
  EXPECT_TRUE(contains(page.html, "<h2 id=\"reload-sighup\">Reload (SIGHUP)</h2>")) << page.html;
  EXPECT_TRUE(contains(page.html, "<h1 id=\"main-code--more\">Main <code>code</code> &amp; more</h1>")) << page.html;
  EXPECT_EQ(page.title, "Reload (SIGHUP)");  // the first heading, whatever its level
}

TEST(MarkdownTest, SetextHeadingsCountAndTitlesAreDecoded) {
  const RenderedMarkdown page = render_markdown("A <b>&amp;</b> \"quoted\" title\n=====\n");
  EXPECT_EQ(page.title, "A & \"quoted\" title");
}

TEST(MarkdownTest, NoHeadingMeansNoTitle) { EXPECT_EQ(render_markdown("just text\n").title, ""); }

TEST(MarkdownTest, RepeatedHeadingsGetNumberedIds) {
  const std::string html = render_markdown("## Usage\n## Usage\n## Usage\n").html;
  EXPECT_TRUE(contains(html, "id=\"usage\"")) << html;
  EXPECT_TRUE(contains(html, "id=\"usage-1\"")) << html;
  EXPECT_TRUE(contains(html, "id=\"usage-2\"")) << html;
}

TEST(MarkdownTest, Lists) {
  const std::string html = render_markdown("- one\n- two\n\n1. first\n2. second\n\n- [x] done\n").html;
  EXPECT_TRUE(contains(html, "<ul>\n<li>one</li>\n<li>two</li>\n</ul>")) << html;
  EXPECT_TRUE(contains(html, "<ol>\n<li>first</li>\n<li>second</li>\n</ol>")) << html;
  EXPECT_TRUE(contains(html, "type=\"checkbox\"")) << html;  // GitHub task lists
}

TEST(MarkdownTest, CodeBlocksAreEscapedAndKeepTheirLanguage) {
  const std::string html = render_markdown("```cpp\nint a = b < c && d;\n<h2>not a heading</h2>\n```\n\n    indented\n").html;
  EXPECT_TRUE(contains(html, "<pre><code class=\"language-cpp\">int a = b &lt; c &amp;&amp; d;\n")) << html;
  EXPECT_TRUE(contains(html, "&lt;h2&gt;not a heading&lt;/h2&gt;")) << html;
  EXPECT_FALSE(contains(html, "id=\"not-a-heading\"")) << html;
  EXPECT_TRUE(contains(html, "<pre><code>indented\n</code></pre>")) << html;
}

TEST(MarkdownTest, Tables) {
  const std::string html = render_markdown("| Key | Default |\n|---|--:|\n| `ttl` | 10s |\n").html;
  EXPECT_TRUE(contains(html, "<table>")) << html;
  EXPECT_TRUE(contains(html, "<th>Key</th>")) << html;
  EXPECT_TRUE(contains(html, "<th align=\"right\">Default</th>")) << html;
  EXPECT_TRUE(contains(html, "<td><code>ttl</code></td>")) << html;
}

TEST(MarkdownTest, LinksAndEmphasis) {
  const std::string html = render_markdown("See [the cache](cache.md#keys), **bold**, ~~gone~~, https://example.com\n").html;
  EXPECT_TRUE(contains(html, "<a href=\"cache.md#keys\">the cache</a>")) << html;
  EXPECT_TRUE(contains(html, "<strong>bold</strong>")) << html;
  EXPECT_TRUE(contains(html, "<del>gone</del>")) << html;
  EXPECT_TRUE(contains(html, "<a href=\"https://example.com\">")) << html;
}

TEST(MarkdownTest, ALeadingByteOrderMarkIsDropped) {
  EXPECT_EQ(render_markdown("\xEF\xBB\xBF# Title\n").title, "Title");
}

TEST(HeadingSlugTest, FollowsGitHub) {
  EXPECT_EQ(heading_slug("Installing it as a service"), "installing-it-as-a-service");
  EXPECT_EQ(heading_slug("The hung-request watchdog"), "the-hung-request-watchdog");
  EXPECT_EQ(heading_slug("HEAD"), "head");
  EXPECT_EQ(heading_slug("snake_case & 1.2"), "snake_case--12");
  EXPECT_EQ(heading_slug("Caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(heading_slug("?!"), "");
}

TEST(HeadingSlugTest, AHeadingWithoutASlugKeepsNoId) {
  std::string first;
  EXPECT_EQ(add_heading_ids("<h2>?!</h2>\n", first), "<h2>?!</h2>\n");
  EXPECT_EQ(first, "?!");
}

}  // namespace
}  // namespace pscgi::apps::pages
