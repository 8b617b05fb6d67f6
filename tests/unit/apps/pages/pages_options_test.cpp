#include "apps/pages/pages_options.hpp"

#include "apps/pages/pages_app.hpp"
#include "unit/apps/pages/site_fixture.hpp"

#include <pscgi/server.hpp>

#include <gtest/gtest.h>

namespace pscgi::apps::pages {
namespace {

std::string error_of(const std::map<std::string, std::string>& options) {
  try {
    read_pages_options(AppSettings{"pages", options});
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(PagesOptionsTest, DefaultsAndValues) {
  const PagesOptions defaults = read_pages_options(AppSettings{"pages", {{"root", "/srv/site"}}});
  EXPECT_EQ(defaults.root, "/srv/site");
  EXPECT_EQ(defaults.title, "");
  EXPECT_EQ(defaults.index, "index.md");
  EXPECT_TRUE(defaults.listing);
  const PagesOptions set = read_pages_options(
      AppSettings{"pages", {{"root", "/srv"}, {"title", "Docs"}, {"index", "README.md"}, {"listing", "false"}}});
  EXPECT_EQ(set.title, "Docs");
  EXPECT_EQ(set.index, "README.md");
  EXPECT_FALSE(set.listing);
}

TEST(PagesOptionsTest, ErrorsNameTheKey) {
  EXPECT_EQ(error_of({}).rfind("app.root: required", 0), 0u) << error_of({});
  EXPECT_EQ(error_of({{"root", "docs"}}).rfind("app.root: ", 0), 0u);
  EXPECT_EQ(error_of({{"root", "/srv"}, {"index", "a/index.md"}}).rfind("app.index: ", 0), 0u);
  EXPECT_EQ(error_of({{"root", "/srv"}, {"index", ""}}).rfind("app.index: ", 0), 0u);
  EXPECT_EQ(error_of({{"root", "/srv"}, {"index", "..md"}}).rfind("app.index: ", 0), 0u);
  EXPECT_EQ(error_of({{"root", "/srv"}, {"listing", "maybe"}}).rfind("app.listing: ", 0), 0u);
  EXPECT_EQ(error_of({{"root", "/srv"}, {"colour", "blue"}}).rfind("app.colour: unknown option", 0), 0u);
}

TEST(PagesOptionsTest, TheRegisteredFactoryOpensTheRootOrSaysWhy) {
  const AppRegistry apps = builtin_apps();
  const AppFactory* pages = apps.find("pages");
  ASSERT_NE(pages, nullptr);
  test_support::TempSite site;
  site.write("index.md", "# Hi\n");
  AppPtr app = (*pages)(AppSettings{"pages", {{"root", site.root()}}});
  EXPECT_EQ(app->handle(test_support::request_for("/"))->status(), 200);
  try {
    (*pages)(AppSettings{"pages", {{"root", site.path("missing")}}});
    FAIL() << "a missing root was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("app.root: ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace pscgi::apps::pages
