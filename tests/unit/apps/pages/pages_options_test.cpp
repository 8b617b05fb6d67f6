#include "apps/pages/pages_options.hpp"

#include "apps/pages/pages_app.hpp"
#include "config/config.hpp"
#include "unit/apps/pages/site_fixture.hpp"

#include <pscgi/server.hpp>

#include <gtest/gtest.h>

namespace pscgi::apps::pages {
namespace {

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

// The factory reads the settings the config loader made, so its errors carry the file and line.
std::string error_for(const std::string& options) {
  const config::Config config = config::load_config_text("app:\n  type: pages\n" + options, "site.yaml");
  try {
    make_pages_app(config.app);
  } catch (const AppSettingError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(PagesOptionsTest, ErrorsNameTheFileLineAndKey) {
  EXPECT_EQ(error_for(""), "site.yaml:1: app.root: required");
  EXPECT_EQ(error_for("  root: docs\n"), "site.yaml:3: app.root: must be an absolute path");
  EXPECT_EQ(error_for("  root: /srv\n  index: a/index.md\n"), "site.yaml:4: app.index: must be a file name, not a path");
  EXPECT_EQ(error_for("  root: /srv\n  index: \"\"\n"), "site.yaml:4: app.index: must not be empty");
  EXPECT_EQ(error_for("  root: /srv\n  index: .index.md\n"),
            "site.yaml:4: app.index: must not start with '.' (dotfiles are never served)");
  EXPECT_NE(error_for("  root: /srv\n  listing: maybe\n").find("site.yaml:4: app.listing: "), std::string::npos);
  EXPECT_EQ(error_for("  root: /srv\n  colour: blue\n"), "site.yaml:4: app.colour: unknown option");
  const std::string missing = error_for("  root: /nonexistent-pscgi-site\n");
  EXPECT_EQ(missing.rfind("site.yaml:3: app.root: cannot open the directory /nonexistent-pscgi-site: ", 0), 0u) << missing;
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
    EXPECT_NE(std::string(e.what()).find("app.root: cannot open the directory"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pscgi::apps::pages
