#include "config/settings.hpp"

#include "config/yaml_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

namespace pscgi::config {
namespace {

const std::string kFullPath = PSCGI_FIXTURES_DIR "/config/full.yaml";

std::vector<const Setting*> values() {
  std::vector<const Setting*> out;
  for (const auto& setting : settings_table()) {
    if (setting.kind == SettingKind::value) out.push_back(&setting);
  }
  return out;
}

// The YAML that sets one key to `value` and nothing else.
std::string yaml_setting_only(const Setting& setting, const std::string& value) {
  const auto parent = parent_path(setting.path);
  if (parent.empty()) return setting.path + ": " + value + "\n";
  return std::string(parent) + ":\n  " + std::string(leaf_name(setting.path)) + ": " + value + "\n";
}

TEST(SettingsTest, EveryEntryIsCompleteAndUnique) {
  std::set<std::string> paths;
  for (const auto& setting : settings_table()) {
    SCOPED_TRACE(setting.path);
    EXPECT_TRUE(paths.insert(setting.path).second) << "listed twice";
    EXPECT_FALSE(setting.doc.empty());
    EXPECT_FALSE(setting.type.empty());
    const auto parent = parent_path(setting.path);
    if (!parent.empty()) {
      // A key follows its section, so the reference reads top-down.
      ASSERT_TRUE(paths.contains(std::string(parent)));
      EXPECT_EQ(find_setting(parent)->kind, SettingKind::section);
    }
    if (setting.kind == SettingKind::value) {
      EXPECT_TRUE(setting.load && setting.show);
      EXPECT_FALSE(setting.allowed.empty());
    } else {
      EXPECT_FALSE(setting.load || setting.show || setting.required);
    }
  }
  EXPECT_EQ(find_setting("workers.count")->path, "workers.count");
  EXPECT_EQ(find_setting("workers.nope"), nullptr);
}

TEST(SettingsTest, SplitsPaths) {
  EXPECT_EQ(parent_path("workers.count"), "workers");
  EXPECT_EQ(parent_path("listen"), "");
  EXPECT_EQ(leaf_name("workers.count"), "count");
  EXPECT_EQ(leaf_name("listen"), "listen");
}

TEST(SettingsTest, TheFullFixtureChangesEveryKey) {
  const Config full = load_config_file(kFullPath);
  const Config defaults = default_config();
  for (const Setting* setting : values()) {
    EXPECT_NE(setting->show(full), setting->show(defaults)) << setting->path << " is at its default in full.yaml";
  }
}

// Catches an entry whose accessor points at another key's field: each key, set alone, must change
// its own value and nothing else.
TEST(SettingsTest, EachKeyWritesOnlyItsOwnField) {
  const Config full = load_config_file(kFullPath);
  const Config defaults = default_config();
  for (const Setting* setting : values()) {
    SCOPED_TRACE(setting->path);
    const Config one = load_config_text(yaml_setting_only(*setting, setting->show(full)), "one");
    for (const Setting* other : values()) {
      const Config& expected = other == setting ? full : defaults;
      EXPECT_EQ(other->show(one), other->show(expected)) << "reading " << setting->path << " changed " << other->path;
    }
  }
}

TEST(SettingsTest, EveryValueShownLoadsBackTheSame) {
  const Config full = load_config_file(kFullPath);
  for (const Setting* setting : values()) {
    const Config again = load_config_text(yaml_setting_only(*setting, setting->show(full)));
    EXPECT_EQ(setting->show(again), setting->show(full)) << setting->path;
  }
}

TEST(SettingsTest, OnlyKnownStagesAndTheDefaultOrder) { EXPECT_EQ(known_stage_names(), default_config().stages); }

TEST(SettingsTest, RelationsHoldForTheDefaults) {
  for (const auto& relation : settings_relations()) {
    EXPECT_FALSE(relation.problem(default_config()).has_value()) << relation.path;
    EXPECT_NE(find_setting(relation.path), nullptr);
    EXPECT_NE(find_setting(relation.other), nullptr);
  }
}

}  // namespace
}  // namespace pscgi::config
