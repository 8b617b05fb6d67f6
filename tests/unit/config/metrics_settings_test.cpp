#include "config/metrics_settings.hpp"

#include "config/config.hpp"
#include "unit/config/config_error_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pscgi::config {
namespace {

using ::testing::HasSubstr;
using testing::error_of;

TEST(MetricsSettingsTest, AbsentMeansOffAndDescribeLeavesItOut) {
  const Config config = load_config_text("backlog: 10\n");
  EXPECT_FALSE(config.metrics);
  EXPECT_THAT(describe_config(config), ::testing::Not(HasSubstr("metrics:")));
}

TEST(MetricsSettingsTest, AnEmptySectionTurnsThemOnWithTheDefaults) {
  const Config config = load_config_text("metrics: {}\n");
  ASSERT_TRUE(config.metrics);
  EXPECT_EQ(config.metrics->path, "/_pscgi/metrics");
  EXPECT_EQ(config.metrics->allow, (std::vector<std::string>{"127.0.0.1", "::1", "unix"}));
}

TEST(MetricsSettingsTest, DescribeShowsTheSectionAndItLoadsBack) {
  const Config config = load_config_text("metrics:\n  path: /m\n  allow: [10.0.0.0/8, \"fd00::/8\", unix]\n");
  const std::string text = describe_config(config);
  EXPECT_THAT(text, HasSubstr("metrics:\n  path: /m\n  allow: [10.0.0.0/8, fd00::/8, unix]\n"));
  const Config again = load_config_text(text);
  ASSERT_TRUE(again.metrics);
  EXPECT_EQ(again.metrics->path, "/m");
  EXPECT_EQ(again.metrics->allow, config.metrics->allow);
  EXPECT_EQ(describe_config(again), text);
}

TEST(MetricsSettingsTest, AnEmptyAllowListRefusesEveryone) {
  const Config config = load_config_text("metrics: {allow: []}\n");
  ASSERT_TRUE(config.metrics);
  EXPECT_TRUE(config.metrics->allow.empty());
}

TEST(MetricsSettingsTest, ThePathMustStartWithASlash) {
  EXPECT_EQ(error_of("metrics:\n  path: metrics\n"),
            "pscgi.yaml:2:9: metrics.path: must start with '/', got \"metrics\"");
  EXPECT_THAT(error_of("metrics: {path: \"/m?x=1\"}"), HasSubstr("metrics.path: must be a plain path"));
}

TEST(MetricsSettingsTest, ABadAllowEntryIsNamedWithItsLine) {
  EXPECT_EQ(error_of("metrics:\n  allow:\n    - 127.0.0.1\n    - localhost\n"),
            "pscgi.yaml:4:7: metrics.allow: item 2: \"localhost\" is not an IPv4 or IPv6 address, a CIDR prefix or unix");
  EXPECT_THAT(error_of("metrics:\n  allow: [10.0.0.0/40]\n"),
              HasSubstr("pscgi.yaml:2:11: metrics.allow: item 1: \"10.0.0.0/40\": the prefix length must be 0 to 32"));
}

TEST(MetricsSettingsTest, ThePipelineMustHoldTheMetricsStageBeforeTheCache) {
  EXPECT_THAT(error_of("pipeline: [access_log, cache]\nmetrics: {}\n"),
              HasSubstr("metrics: metrics is set but `pipeline` has no metrics stage"));
  EXPECT_THAT(error_of("pipeline: [cache, metrics]\nmetrics: {}\n"),
              HasSubstr("the metrics stage must come before cache"));
  EXPECT_NO_THROW(load_config_text("pipeline: [metrics]\nmetrics: {}\n"));
  EXPECT_NO_THROW(load_config_text("pipeline: [access_log, cache]\n"));  // metrics off: no stage needed
}

TEST(MetricsSettingsTest, ANullSectionIsRefused) {
  EXPECT_THAT(error_of("metrics:\n"), HasSubstr("metrics: expected a map of settings"));
}

}  // namespace
}  // namespace pscgi::config
