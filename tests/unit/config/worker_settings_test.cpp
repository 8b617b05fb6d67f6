// The `workers:` keys (src/config/worker_settings.cpp): values, ranges and the rules between them.
#include "config/worker_settings.hpp"

#include "unit/config/config_error_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace pscgi::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

using testing::error_of;

WorkerSettings workers_of(const std::string& text) { return load_config_text(text, "pscgi.yaml").workers; }

TEST(WorkerSettingsTest, ReadsAFixedPoolAndItsLimits) {
  const WorkerSettings workers = workers_of(R"(
workers:
  count: 3
  max: 10
  spare: 2
  spawn_interval: 1s
  idle_timeout: 2m
  max_requests: 200
  max_requests_jitter: 20
  max_lifetime: 6h
  max_lifetime_jitter: 50%
  max_rss: 300MiB
  max_recycling: 4
  timeout: 0
  graceful_timeout: 10s
)");
  EXPECT_EQ(workers.count, 3);
  EXPECT_FALSE(workers.min.has_value());
  EXPECT_EQ(workers.max, 10);
  EXPECT_EQ(workers.spare, 2);
  EXPECT_EQ(workers.spawn_interval, seconds(1));
  EXPECT_EQ(workers.idle_timeout, minutes(2));
  EXPECT_EQ(workers.max_requests, 200u);
  EXPECT_EQ(workers.max_requests_jitter, 20u);
  EXPECT_EQ(workers.max_lifetime, hours(6));
  EXPECT_EQ(workers.max_lifetime_jitter, 50);
  EXPECT_EQ(workers.max_rss, 300u * 1024 * 1024);
  EXPECT_EQ(workers.max_recycling, 4);
  EXPECT_EQ(workers.timeout, Duration::zero());
  EXPECT_EQ(workers.graceful_timeout, seconds(10));
  EXPECT_FALSE(workers.adaptive());
  EXPECT_EQ(workers.initial_workers(), 3);
  EXPECT_EQ(workers.min_workers(), 1);
  EXPECT_EQ(workers.max_workers(), 10);
}

TEST(WorkerSettingsTest, MinMakesThePoolAdaptive) {
  const WorkerSettings workers = workers_of("workers: {min: 2, max: 16}");
  EXPECT_TRUE(workers.adaptive());
  EXPECT_EQ(workers.min, 2);
  EXPECT_EQ(workers.initial_workers(), 2);
  EXPECT_EQ(workers.min_workers(), 2);
  EXPECT_EQ(workers.max_workers(), 16);
  // The default count is not compared with an adaptive pool's max.
  EXPECT_EQ(workers_of("workers: {min: 1, max: 2}").max_workers(), 2);
}

TEST(WorkerSettingsTest, MaxDefaultsToFourTimesTheStartingSizeAtMost1024) {
  EXPECT_EQ(workers_of("workers: {count: 3}").max_workers(), 12);
  EXPECT_EQ(workers_of("workers: {min: 5}").max_workers(), 20);
  EXPECT_EQ(workers_of("workers: {count: 300}").max_workers(), 1024);
  EXPECT_EQ(workers_of("workers: {min: 1024}").max_workers(), 1024);
  EXPECT_EQ(workers_of("{}").max_workers(), 16);
}

TEST(WorkerSettingsTest, TildeLeavesMinAndMaxUnset) {
  const WorkerSettings workers = workers_of("workers:\n  count: 2\n  min: ~\n  max: ~\n");
  EXPECT_FALSE(workers.adaptive());
  EXPECT_FALSE(workers.max.has_value());
  EXPECT_EQ(workers.count, 2);
}

TEST(WorkerSettingsTest, JitterIsAWholePercentage) {
  EXPECT_EQ(workers_of("workers: {max_lifetime_jitter: 7%}").max_lifetime_jitter, 7);
  EXPECT_EQ(workers_of("workers: {max_lifetime_jitter: 0.07}").max_lifetime_jitter, 7);
  EXPECT_EQ(workers_of("workers: {max_lifetime_jitter: 100%}").max_lifetime_jitter, 100);
  EXPECT_EQ(workers_of("workers: {max_lifetime_jitter: 0}").max_lifetime_jitter, 0);
  EXPECT_EQ(error_of("workers:\n  max_lifetime_jitter: 12.5%\n"),
            "pscgi.yaml:2:24: workers.max_lifetime_jitter: must be a whole percentage, got 12.5%");
  EXPECT_EQ(error_of("workers:\n  max_lifetime_jitter: 101%\n"),
            "pscgi.yaml:2:24: workers.max_lifetime_jitter: must be between 0% and 100%, got 101%");
  EXPECT_EQ(error_of("workers:\n  max_lifetime_jitter: 10\n"),
            "pscgi.yaml:2:24: workers.max_lifetime_jitter: write the percentage with its sign, as 10%: a bare 10 is "
            "a fraction (1000%)");
  EXPECT_EQ(error_of("workers:\n  max_lifetime_jitter: 1\n"),
            "pscgi.yaml:2:24: workers.max_lifetime_jitter: write the percentage with its sign, as 1%: a bare 1 is "
            "a fraction (100%)");
  EXPECT_EQ(workers_of("workers: {max_lifetime_jitter: 0.5}").max_lifetime_jitter, 50);
  EXPECT_THAT(error_of("workers: {max_lifetime_jitter: lots}"),
              HasSubstr("workers.max_lifetime_jitter: expected a percentage such as 10%"));
}

TEST(WorkerSettingsTest, ValuesOutOfRange) {
  EXPECT_EQ(error_of("workers:\n  min: 0\n"), "pscgi.yaml:2:8: workers.min: must be between 1 and 1024, got 0");
  EXPECT_EQ(error_of("workers:\n  max: 1025\n"), "pscgi.yaml:2:8: workers.max: must be between 1 and 1024, got 1025");
  EXPECT_EQ(error_of("workers:\n  spare: -1\n"), "pscgi.yaml:2:10: workers.spare: must be between 0 and 1023, got -1");
  EXPECT_EQ(error_of("workers:\n  spawn_interval: 0\n"),
            "pscgi.yaml:2:19: workers.spawn_interval: must be between 1ms and 10m, got 0");
  EXPECT_EQ(error_of("workers:\n  idle_timeout: 25h\n"),
            "pscgi.yaml:2:17: workers.idle_timeout: must be between 1ms and 24h, got 25h");
  EXPECT_EQ(error_of("workers:\n  max_lifetime: 721h\n"),
            "pscgi.yaml:2:17: workers.max_lifetime: must be between 0 and 720h, got 721h");
  EXPECT_EQ(error_of("workers:\n  max_rss: 1025GiB\n"),
            "pscgi.yaml:2:12: workers.max_rss: must be between 0 and 1024GiB, got 1025GiB");
  EXPECT_EQ(error_of("workers:\n  max_recycling: 0\n"),
            "pscgi.yaml:2:18: workers.max_recycling: must be between 1 and 64, got 0");
  EXPECT_EQ(error_of("workers:\n  max_recycling: 65\n"),
            "pscgi.yaml:2:18: workers.max_recycling: must be between 1 and 64, got 65");
  EXPECT_EQ(error_of("workers:\n  timeout: 25h\n"),
            "pscgi.yaml:2:12: workers.timeout: must be between 0 and 24h, got 25h");
  EXPECT_EQ(error_of("workers:\n  timeout: 30\n"),
            "pscgi.yaml:2:12: workers.timeout: \"30\" needs a unit: write 30s for seconds (units: ms, s, m, h)");
  EXPECT_EQ(error_of("workers: {min: [1]}"), "pscgi.yaml:1:16: workers.min: expected an integer, got a list");
  EXPECT_EQ(error_of("workers: {max: many}"), "pscgi.yaml:1:16: workers.max: expected an integer, got \"many\"");
}

TEST(WorkerSettingsTest, CountAndMinAreMutuallyExclusiveAtTheSecond) {
  const std::string why =
      "workers.count and workers.min are mutually exclusive: count makes a fixed pool, min an adaptive one; give one "
      "of them";
  EXPECT_EQ(error_of("workers:\n  count: 4\n  min: 2\n"), "pscgi.yaml:3:3: workers.min: " + why);
  EXPECT_EQ(error_of("workers:\n  min: 2\n  max: 8\n  count: 4\n"), "pscgi.yaml:4:3: workers.count: " + why);
  EXPECT_EQ(error_of("workers: {min: 2, count: 2}"), "pscgi.yaml:1:19: workers.count: " + why);
}

TEST(WorkerSettingsTest, MinAndCountStayWithinMax) {
  EXPECT_EQ(error_of("workers:\n  min: 8\n  max: 4\n"),
            "pscgi.yaml:3:3: workers.max: workers.min (8) is larger than workers.max (4)");
  EXPECT_EQ(error_of("workers:\n  max: 4\n  min: 8\n"),
            "pscgi.yaml:3:3: workers.min: workers.min (8) is larger than workers.max (4)");
  EXPECT_EQ(error_of("workers:\n  count: 8\n  max: 4\n"),
            "pscgi.yaml:3:3: workers.max: workers.count (8) is larger than workers.max (4), the most workers SIGTTIN "
            "grows the pool to");
  // The default count (4) counts too; the error is at the key the file gives.
  EXPECT_EQ(error_of("backlog: 5\nworkers:\n  max: 2\n"),
            "pscgi.yaml:3:3: workers.max: workers.count (4) is larger than workers.max (2), the most workers SIGTTIN "
            "grows the pool to");
  EXPECT_EQ(workers_of("workers: {count: 4, max: 4}").max_workers(), 4);
  EXPECT_EQ(workers_of("workers: {min: 4, max: 4}").max_workers(), 4);
}

TEST(WorkerSettingsTest, SpareStaysBelowMax) {
  EXPECT_EQ(error_of("workers: {min: 1, max: 4, spare: 4}"),
            "pscgi.yaml:1:27: workers.spare: workers.spare (4) must be less than workers.max (4)");
  EXPECT_EQ(error_of("workers:\n  spare: 16\n"),
            "pscgi.yaml:2:3: workers.spare: workers.spare (16) must be less than workers.max (16, from 4 × "
            "workers.count as it is unset)");
  EXPECT_EQ(workers_of("workers:\n  spare: 3\n  min: 1\n").spare, 3);
  EXPECT_EQ(error_of("workers:\n  spare: 4\n  min: 1\n"),
            "pscgi.yaml:2:3: workers.spare: workers.spare (4) must be less than workers.max (4, from 4 × "
            "workers.min as it is unset)");
  EXPECT_EQ(workers_of("workers: {min: 1, max: 4, spare: 3}").spare, 3);
}

TEST(WorkerSettingsTest, HasEveryKeyOfTheIssueInItsOrder) {
  std::vector<std::string> paths;
  for (const Setting& setting : worker_settings()) paths.push_back(setting.path);
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "workers", "workers.count", "workers.min", "workers.max", "workers.spare",
                       "workers.spawn_interval", "workers.idle_timeout", "workers.max_requests",
                       "workers.max_requests_jitter", "workers.max_lifetime", "workers.max_lifetime_jitter",
                       "workers.max_rss", "workers.max_recycling", "workers.timeout", "workers.graceful_timeout"}));
}

}  // namespace
}  // namespace pscgi::config
