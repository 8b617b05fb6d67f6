#include <pscgi/app_settings.hpp>

#include "config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace pscgi {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

// The `app:` section of a config text loaded as "site.yaml"; the app key is on line 2.
AppSettings app_section(const std::string& body) {
  std::string indented;
  for (std::size_t start = 0; start < body.size();) {
    const std::size_t end = body.find('\n', start);
    indented += "  " + body.substr(start, end - start) + "\n";
    start = end == std::string::npos ? body.size() : end + 1;
  }
  return config::load_config_text("workers: {count: 1}\napp:\n  type: x\n" + indented, "site.yaml").app;
}

// The AppSettingError message of `read`, or "(no error)".
template <class Read>
std::string error_of(Read&& read) {
  try {
    read();
  } catch (const AppSettingError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(AppSettingsTest, TextReadsTheValueOrTheFallback) {
  const AppSettings app = app_section("root: /srv/www\nempty: \"\"\n");
  EXPECT_EQ(app.text("root"), "/srv/www");
  EXPECT_EQ(app.text("empty"), "");
  EXPECT_EQ(app.text("absent", "dflt"), "dflt");
  EXPECT_EQ(app.text("root", "dflt"), "/srv/www");
}

TEST(AppSettingsTest, AMissingKeyWithoutFallbackIsRequiredAtTheSectionsLine) {
  const AppSettings app = app_section("root: /srv\n");
  EXPECT_EQ(error_of([&] { app.text("title"); }), "site.yaml:2: app.title: required");
  EXPECT_EQ(error_of([&] { app.integer("n", std::nullopt, 0, 9); }), "site.yaml:2: app.n: required");
  EXPECT_EQ(error_of([&] { app.duration("t"); }), "site.yaml:2: app.t: required");
  EXPECT_EQ(error_of([&] { app.size("s"); }), "site.yaml:2: app.s: required");
  EXPECT_EQ(error_of([&] { app.boolean("b"); }), "site.yaml:2: app.b: required");
  EXPECT_EQ(error_of([&] { app.list("l"); }), "site.yaml:2: app.l: required");
}

TEST(AppSettingsTest, TextRefusesAList) {
  const AppSettings app = app_section("root: [a, b]\n");
  EXPECT_EQ(error_of([&] { app.text("root"); }), "site.yaml:4: app.root: expected a single value, got a list");
  EXPECT_EQ(error_of([&] { app.text("root", "x"); }), "site.yaml:4: app.root: expected a single value, got a list");
}

TEST(AppSettingsTest, IntegerChecksSyntaxAndRange) {
  const AppSettings app = app_section("threads: 8\nlow: -3\nbig: 65\nword: many\nzero: 010\n");
  EXPECT_EQ(app.integer("threads", std::nullopt, 1, 64), 8);
  EXPECT_EQ(app.integer("low", 0, -5, 5), -3);
  EXPECT_EQ(app.integer("absent", 4, 1, 64), 4);
  EXPECT_EQ(error_of([&] { app.integer("big", 4, 1, 64); }), "site.yaml:6: app.big: must be between 1 and 64, got 65");
  EXPECT_EQ(error_of([&] { app.integer("word", 4, 1, 64); }),
            "site.yaml:7: app.word: expected an integer, got \"many\"");
  EXPECT_THAT(error_of([&] { app.integer("zero", 4, 1, 64); }),
              HasSubstr("site.yaml:8: app.zero: \"010\" has a leading zero"));
}

TEST(AppSettingsTest, DurationUsesTheConfigSyntax) {
  const AppSettings app = app_section("timeout: 1.5s\nnone: 0\nbare: 30\nunit: 3 days\n");
  EXPECT_EQ(app.duration("timeout"), milliseconds(1500));
  EXPECT_EQ(app.duration("none"), milliseconds(0));
  EXPECT_EQ(app.duration("absent", std::chrono::seconds(30)), milliseconds(30000));
  EXPECT_THAT(error_of([&] { app.duration("bare"); }), HasSubstr("site.yaml:6: app.bare: "));
  EXPECT_THAT(error_of([&] { app.duration("unit"); }), HasSubstr("site.yaml:7: app.unit: "));
}

TEST(AppSettingsTest, SizeUsesTheConfigSyntax) {
  const AppSettings app = app_section("max: 1.5MiB\nbytes: 4096\nvague: 512k\n");
  EXPECT_EQ(app.size("max"), 1536u * 1024);
  EXPECT_EQ(app.size("bytes"), 4096u);
  EXPECT_EQ(app.size("absent", 10), 10u);
  EXPECT_THAT(error_of([&] { app.size("vague"); }), HasSubstr("site.yaml:6: app.vague: "));
}

TEST(AppSettingsTest, BooleanTakesTrueOrFalse) {
  const AppSettings app = app_section("listing: false\nshout: TRUE\nmaybe: yes\n");
  EXPECT_FALSE(app.boolean("listing", true));
  EXPECT_TRUE(app.boolean("shout"));
  EXPECT_TRUE(app.boolean("absent", true));
  EXPECT_EQ(error_of([&] { app.boolean("maybe"); }), "site.yaml:6: app.maybe: expected true or false, got \"yes\"");
}

TEST(AppSettingsTest, ListTakesASequenceOrOneScalar) {
  const AppSettings app = app_section("hosts:\n  - a\n  - \"b c\"\none: solo\nnone: []\n");
  EXPECT_EQ(app.list("hosts"), (std::vector<std::string>{"a", "b c"}));
  EXPECT_EQ(app.list("one"), std::vector<std::string>{"solo"});
  EXPECT_TRUE(app.list("none", std::vector<std::string>{"x"}).empty());
  EXPECT_EQ(app.list("absent", std::vector<std::string>{"PATH"}), std::vector<std::string>{"PATH"});
}

TEST(AppSettingsTest, ErrorsNameTheKeysLineEvenForABlockList) {
  const AppSettings app = app_section("hosts:\n  - a\n  - b\n");
  EXPECT_EQ(error_of([&] { app.text("hosts"); }), "site.yaml:4: app.hosts: expected a single value, got a list");
}

TEST(AppSettingsTest, RefuseUnknownNamesTheFirstUnreadKey) {
  const AppSettings app = app_section("root: /srv\ntitel: Site\n");
  EXPECT_EQ(app.text("root"), "/srv");
  EXPECT_EQ(error_of([&] { app.refuse_unknown(); }), "site.yaml:5: app.titel: unknown option");
  EXPECT_EQ(app.text("title", "x"), "x");  // reading another key does not excuse the misspelt one
  EXPECT_EQ(error_of([&] { app.refuse_unknown(); }), "site.yaml:5: app.titel: unknown option");
  EXPECT_EQ(app.text("titel"), "Site");
  EXPECT_EQ(error_of([&] { app.refuse_unknown(); }), "(no error)");
}

TEST(AppSettingsTest, HasDoesNotMarkAKeyAsRead) {
  const AppSettings app = app_section("root: /srv\n");
  EXPECT_TRUE(app.has("root"));
  EXPECT_FALSE(app.has("script"));
  EXPECT_EQ(error_of([&] { app.refuse_unknown(); }), "site.yaml:4: app.root: unknown option");
}

TEST(AppSettingsTest, AFailedGetterStillCountsAsRead) {
  const AppSettings app = app_section("threads: lots\n");
  EXPECT_NE(error_of([&] { app.integer("threads", 1, 1, 8); }), "(no error)");
  EXPECT_EQ(error_of([&] { app.refuse_unknown(); }), "(no error)");
}

TEST(AppSettingsTest, RefuseReportsTheAppsOwnCheckAtTheKey) {
  const AppSettings app = app_section("root: /nowhere\n");
  EXPECT_EQ(error_of([&] { app.refuse("root", "no such directory"); }), "site.yaml:4: app.root: no such directory");
  EXPECT_EQ(error_of([&] { app.refuse("script", "give root or script"); }),
            "site.yaml:2: app.script: give root or script");
}

TEST(AppSettingsTest, SettingsMadeInCodeHaveNoLines) {
  AppSettings app("demo", {{"greeting", "Hi"}});
  app.set_list("hosts", {"a"});
  EXPECT_EQ(app.text("greeting"), "Hi");
  EXPECT_EQ(app.list("hosts"), std::vector<std::string>{"a"});
  EXPECT_EQ(error_of([&] { app.boolean("greeting"); }),
            "<app settings>: app.greeting: expected true or false, got \"Hi\"");
  app.set_origin("in-code", 7);
  EXPECT_EQ(error_of([&] { app.text("absent"); }), "in-code:7: app.absent: required");
}

TEST(AppSettingsTest, AnErrorIsAnInvalidArgument) {
  const AppSettings app = app_section("");
  EXPECT_THROW(app.text("root"), std::invalid_argument);
}

TEST(AppSettingsTest, WithoutAnAppSectionRequiredNamesTheFileOnly) {
  const AppSettings app = config::load_config_text("workers: {count: 1}\n", "site.yaml").app;
  EXPECT_EQ(error_of([&] { app.text("root"); }), "site.yaml: app.root: required");
}

}  // namespace
}  // namespace pscgi
