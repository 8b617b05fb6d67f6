#include "config/settings.hpp"

#include "config/yaml_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

namespace pscgi::config {
namespace {

const std::string kFullPath = PSCGI_FIXTURES_DIR "/config/full.yaml";
const std::string kAdaptivePath = PSCGI_FIXTURES_DIR "/config/adaptive.yaml";

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
      // A section may turn itself on when given (load) and be left out when off (shown): `metrics`.
      EXPECT_FALSE(setting.show || setting.required);
      EXPECT_EQ(static_cast<bool>(setting.load), static_cast<bool>(setting.shown));
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

// The fixture that sets `setting` to something other than its default: full.yaml, or adaptive.yaml
// for a key that full.yaml cannot give (workers.min excludes workers.count). Null: neither does.
const Config* changing_fixture(const Setting& setting) {
  static const Config full = load_config_file(kFullPath);
  static const Config adaptive = load_config_file(kAdaptivePath);
  static const Config defaults = default_config();
  for (const Config* fixture : {&full, &adaptive}) {
    if (setting.show(*fixture) != setting.show(defaults)) return fixture;
  }
  return nullptr;
}

TEST(SettingsTest, TheFixturesChangeEveryKey) {
  for (const Setting* setting : values()) {
    EXPECT_NE(changing_fixture(*setting), nullptr)
        << setting->path << " is at its default in full.yaml and adaptive.yaml";
  }
}

// Catches an entry whose accessor points at another key's field: each key, set alone, must change
// its own value and nothing else.
TEST(SettingsTest, EachKeyWritesOnlyItsOwnField) {
  const Config defaults = default_config();
  for (const Setting* setting : values()) {
    SCOPED_TRACE(setting->path);
    const Config* fixture = changing_fixture(*setting);
    ASSERT_NE(fixture, nullptr);
    const Config one = load_config_text(yaml_setting_only(*setting, setting->show(*fixture)), "one");
    for (const Setting* other : values()) {
      const Config& expected = other == setting ? *fixture : defaults;
      EXPECT_EQ(other->show(one), other->show(expected)) << "reading " << setting->path << " changed " << other->path;
    }
  }
}

TEST(SettingsTest, EveryValueShownLoadsBackTheSame) {
  for (const Setting* setting : values()) {
    const Config* fixture = changing_fixture(*setting);
    ASSERT_NE(fixture, nullptr) << setting->path;
    const Config again = load_config_text(yaml_setting_only(*setting, setting->show(*fixture)));
    EXPECT_EQ(setting->show(again), setting->show(*fixture)) << setting->path;
  }
}

TEST(SettingsTest, OnlyKnownStagesAndTheDefaultOrder) { EXPECT_EQ(known_stage_names(), default_config().stages); }

TEST(SettingsTest, RelationsHoldForTheDefaults) {
  const GivenKeys nothing_given = [](std::string_view) { return false; };
  const GivenKeys everything_given = [](std::string_view) { return true; };
  for (const auto& relation : settings_relations()) {
    EXPECT_FALSE(relation.problem(default_config(), nothing_given).has_value()) << relation.path;
    EXPECT_FALSE(relation.problem(default_config(), everything_given).has_value()) << relation.path;
    EXPECT_NE(find_setting(relation.path), nullptr);
    EXPECT_NE(find_setting(relation.other), nullptr);
  }
}

}  // namespace
}  // namespace pscgi::config
