#include "metrics/json_text.hpp"

#include "unit/metrics/sample_snapshot.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace pscgi::metrics {
namespace {

using nlohmann::json;

const json document = json::parse(render_json(testing::sample_snapshot()));

TEST(JsonTextTest, TheServerObjectNamesTheMasterItsGenerationAndUptime) {
  const json& server = document.at("server");
  EXPECT_EQ(server.at("master_pid"), 4000);
  EXPECT_EQ(server.at("generation"), 2);
  EXPECT_DOUBLE_EQ(server.at("up_seconds").get<double>(), 12.5);
  EXPECT_FALSE(server.at("version").get<std::string>().empty());
}

TEST(JsonTextTest, EachLiveWorkerHasTheContractsFields) {
  const json& workers = document.at("workers");
  ASSERT_EQ(workers.size(), 2u);
  const json& busy = workers[0];
  EXPECT_EQ(busy.at("slot"), 1);
  EXPECT_EQ(busy.at("pid"), 4001);
  EXPECT_EQ(busy.at("generation"), 2);
  EXPECT_EQ(busy.at("state"), "handling");
  EXPECT_EQ(busy.at("requests"), 7);
  EXPECT_EQ(busy.at("request"), "GET /x?y");
  EXPECT_DOUBLE_EQ(busy.at("request_seconds").get<double>(), 0.25);
  EXPECT_EQ(busy.at("cache"), (json{{"lookups", 3}, {"hits", 1}, {"misses", 2}, {"bypasses", 0}, {"stores", 2},
                                    {"evictions", 0}, {"entries", 2}, {"bytes", 4096}}));
  EXPECT_EQ(busy.at("rss_bytes"), 10000000);
  // An idle worker's last request is not its current one.
  EXPECT_EQ(workers[1].at("state"), "idle");
  EXPECT_TRUE(workers[1].at("request").is_null());
  EXPECT_TRUE(workers[1].at("request_seconds").is_null());
}

TEST(JsonTextTest, TotalsAddLiveAndGoneWorkersAndListOnlyNonZeroStatesAndExits) {
  const json& totals = document.at("totals");
  EXPECT_EQ(totals.at("requests"), 39);
  EXPECT_EQ(totals.at("workers"), 2);
  EXPECT_EQ(totals.at("states"), (json{{"handling", 1}, {"idle", 1}}));
  EXPECT_EQ(totals.at("cache").at("hits"), 5);
  EXPECT_EQ(totals.at("cache").at("entries"), 2);
  EXPECT_EQ(totals.at("rss_bytes"), 15000000);
  EXPECT_EQ(totals.at("exits"), (json{{"max_requests", 3}, {"timeout", 1}}));
}

TEST(JsonTextTest, AnEmptyPoolStillHasEveryObject) {
  const json empty = json::parse(render_json(MetricsSnapshot{}));
  EXPECT_TRUE(empty.at("workers").is_array());
  EXPECT_EQ(empty.at("totals").at("requests"), 0);
  EXPECT_TRUE(empty.at("totals").at("states").is_object());
  EXPECT_TRUE(empty.at("totals").at("exits").is_object());
}

}  // namespace
}  // namespace pscgi::metrics
