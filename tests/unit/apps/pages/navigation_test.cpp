#include "apps/pages/navigation.hpp"

#include "unit/apps/pages/site_fixture.hpp"

#include <gtest/gtest.h>

namespace pscgi::apps::pages {
namespace {

using test_support::TempSite;

bool contains(const std::string& text, std::string_view piece) { return text.find(piece) != std::string::npos; }

class NavigationTest : public ::testing::Test {
 protected:
  NavigationTest() {
    site.write("index.md", "# Home\n");
    site.write("zeta.md", "# Z\n");
    site.write("alpha.md", "# A\n");
    site.write("logo.png", "png");
    site.write("guide/index.md", "# Guide\n");
    site.write("guide/deep/page.md", "# Deep\n");
    site.write("notes.md", "# Notes page\n");
    site.folder("notes");  // "notes" is a folder, so the page keeps its .md in links
    site.write("my page?.md", "# Odd\n");
    site.write(".hidden.md", "# Hidden\n");
    TempSite::write_at(site.outside("secret.md"), "# Secret\n");
    site.symlink(site.outside("secret.md"), "escape.md");
  }

  Folder folder(const std::vector<std::string>& names) const {
    const SiteRoot root(site.root());
    std::optional<Folder> read = read_folder(root, names, root.open(relative_path(names)), "index.md");
    if (!read) throw std::runtime_error("no folder");
    return *read;
  }

  TempSite site;
};

TEST_F(NavigationTest, AFolderListsFoldersThenPagesThenFilesAndHidesWhatCannotBeServed) {
  const Folder root = folder({});
  std::vector<std::string> names;
  for (const FolderEntry& entry : root.entries) names.push_back(entry.name);
  EXPECT_EQ(names, (std::vector<std::string>{"guide", "notes", "alpha.md", "index.md", "my page?.md", "notes.md",
                                             "zeta.md", "logo.png"}));
  ASSERT_TRUE(root.index_entry);
  EXPECT_EQ(root.entries[*root.index_entry].name, "index.md");
}

TEST_F(NavigationTest, LinksAreRelativeAndEncoded) {
  const Folder root = folder({});
  auto href = [&](std::string_view name) {
    for (const FolderEntry& entry : root.entries) {
      if (entry.name == name) return entry.href;
    }
    return std::string("?");
  };
  EXPECT_EQ(href("guide"), "guide/");
  EXPECT_EQ(href("alpha.md"), "alpha");
  EXPECT_EQ(href("notes.md"), "notes.md");
  EXPECT_EQ(href("my page?.md"), "my%20page%3F");
  EXPECT_EQ(href("logo.png"), "logo.png");
}

TEST_F(NavigationTest, BreadcrumbsLeadBackUp) {
  const std::string page = breadcrumbs_html({"guide", "deep"}, "Deep", "Docs");
  EXPECT_TRUE(contains(page, "<li><a href=\"../../\">Docs</a></li>\n<li><a href=\"../\">guide</a></li>\n"
                             "<li><a href=\"./\">deep</a></li>\n<li aria-current=\"page\">Deep</li>")) << page;
  const std::string index = breadcrumbs_html({"guide"}, "", "");
  EXPECT_TRUE(contains(index, "<li><a href=\"../\">Home</a></li>\n<li aria-current=\"page\">guide</li>")) << index;
  EXPECT_TRUE(contains(breadcrumbs_html({}, "", "Docs"), "<li aria-current=\"page\">Docs</li>"));
  EXPECT_TRUE(contains(breadcrumbs_html({}, "<b>", ""), "&lt;b&gt;"));
}

TEST_F(NavigationTest, TheSidebarShowsTheFolderWithTheCurrentPageMarked) {
  const std::string root = navigation_html(folder({}), "alpha.md", "Docs");
  EXPECT_TRUE(contains(root, "<h2>Docs</h2>")) << root;
  EXPECT_FALSE(contains(root, "↑")) << root;  // nothing above the root
  EXPECT_TRUE(contains(root, "<a href=\"guide/\">guide/</a>")) << root;
  EXPECT_TRUE(contains(root, "<a href=\"alpha\" aria-current=\"page\">alpha</a>")) << root;
  EXPECT_TRUE(contains(root, "<a href=\"./\">index</a>")) << root;
  EXPECT_TRUE(contains(root, "<a href=\"zeta\">zeta</a>")) << root;
  EXPECT_FALSE(contains(root, "logo.png")) << root;  // files are for the listing
  EXPECT_FALSE(contains(root, "escape")) << root;

  const std::string deep = navigation_html(folder({"guide", "deep"}), "page.md", "");
  EXPECT_TRUE(contains(deep, "<h2>deep</h2>")) << deep;
  EXPECT_TRUE(contains(deep, "<a href=\"../\">↑ guide</a>")) << deep;
  EXPECT_TRUE(contains(deep, "<a href=\"page\" aria-current=\"page\">page</a>")) << deep;
}

TEST_F(NavigationTest, TheListingShowsEveryEntry) {
  const std::string listing = listing_html(folder({"guide"}));
  EXPECT_TRUE(contains(listing, "<h1>Index of /guide/</h1>")) << listing;
  EXPECT_TRUE(contains(listing, "<a href=\"../\">../</a>")) << listing;
  EXPECT_TRUE(contains(listing, "<a href=\"deep/\">deep/</a>")) << listing;
  EXPECT_TRUE(contains(listing, "<a href=\"index\">index</a>")) << listing;
  const std::string root = listing_html(folder({}));
  EXPECT_TRUE(contains(root, "<a href=\"logo.png\">logo.png</a>")) << root;
  EXPECT_FALSE(contains(root, "../")) << root;
  EXPECT_FALSE(contains(root, "hidden")) << root;
}

}  // namespace
}  // namespace pscgi::apps::pages
