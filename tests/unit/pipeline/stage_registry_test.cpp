#include "pipeline/stage_registry.hpp"

#include "cache/cache_generation.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace pscgi::pipeline {
namespace {

TEST(StageRegistryTest, EachEntryHasAUniqueNameADocAndAFactoryForThatStage) {
  const config::Config config;
  config::Config with_metrics;
  with_metrics.metrics.emplace();
  const StageDependencies dependencies{cache::CacheGeneration::create(), nullptr};
  std::set<std::string_view> names;
  for (const StageEntry& entry : stage_registry()) {
    EXPECT_FALSE(entry.name.empty());
    EXPECT_TRUE(names.insert(entry.name).second) << "twice: " << entry.name;
    EXPECT_FALSE(entry.doc.empty()) << entry.name;
    ASSERT_NE(entry.make, nullptr) << entry.name;
    // An optional stage (metrics) is made only when its section is configured.
    const StagePtr stage = entry.make(config, dependencies);
    const StagePtr configured = entry.make(with_metrics, dependencies);
    ASSERT_TRUE(configured) << entry.name;
    EXPECT_EQ(configured->name(), entry.name);
    EXPECT_EQ(stage == nullptr, entry.name == "metrics") << entry.name;
  }
  EXPECT_EQ(names, (std::set<std::string_view>{"access_log", "metrics", "conditional", "cache"}));
}

TEST(StageRegistryTest, FindStageFindsEveryEntryAndNothingElse) {
  for (const StageEntry& entry : stage_registry()) EXPECT_EQ(find_stage(entry.name), &entry);
  EXPECT_EQ(find_stage("Cache"), nullptr);
  EXPECT_EQ(find_stage(""), nullptr);
  EXPECT_EQ(find_stage("router"), nullptr);
}

// The config reads the registry: what it accepts, its default and its documentation.
TEST(StageRegistryTest, TheConfigAcceptsDefaultsToAndDocumentsTheRegisteredStagesInOrder) {
  std::vector<std::string> registered;
  for (const StageEntry& entry : stage_registry()) registered.emplace_back(entry.name);
  EXPECT_EQ(config::known_stage_names(), registered);
  EXPECT_EQ(config::Config{}.stages, registered);
  const std::string reference = config::render_config_reference();
  for (const StageEntry& entry : stage_registry()) {
    const std::string sentence = "`" + std::string(entry.name) + "` " + std::string(entry.doc);
    EXPECT_NE(reference.find(sentence), std::string::npos) << sentence;
  }
}

}  // namespace
}  // namespace pscgi::pipeline
