// The cache stage publishes its counters into the worker's scoreboard slot after every request it
// sees, so the master (and `pscgi status`) can read them without asking the worker.

#include "cache/cache_stage.hpp"

#include "process/scoreboard.hpp"
#include "unit/cache/scripted_app.hpp"

#include <pscgi/pipeline.hpp>

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace pscgi::cache {
namespace {

const TimePoint t0 = TimePoint{} + std::chrono::hours(1000);

class CacheScoreboardTest : public ::testing::Test {
 protected:
  std::shared_ptr<process::Scoreboard> board = process::Scoreboard::create(3);
  std::vector<std::string> methods_seen;
  Pipeline pipeline;

  CacheStage* cache = nullptr;

  void build(std::shared_ptr<process::Scoreboard> scoreboard, int slot) {
    config::CacheSettings settings;
    settings.ttl_jitter = 0;
    settings.max_entries = 2;
    auto stage = std::make_unique<CacheStage>(settings, config::WorkerSettings{}, nullptr, CacheStageHooks{},
                                              std::move(scoreboard));
    cache = stage.get();
    pipeline.append(std::move(stage));
    pipeline.append(std::make_unique<test_support::ScriptedApp>(
        [](const Request&) {
          return ResponseBuilder(200).content_type("text/plain").header("Cache-Control", "max-age=60").body("hi").finish();
        },
        &methods_seen));
    pipeline.on_worker_start({.pid = 77, .slot = slot});
  }

  void send(std::string_view method, std::string_view uri, TimePoint at = t0) {
    const Request request = Request::from_variables(
        {{"REQUEST_METHOD", std::string(method)}, {"REQUEST_URI", std::string(uri)}, {"HTTP_HOST", "example.com"}});
    Exchange exchange(request, at);
    pipeline.run(exchange);
  }
};

TEST_F(CacheScoreboardTest, EveryRequestLeavesTheTallyInTheWorkersSlot) {
  board->claim(2, 1);
  build(board, 2);

  send("GET", "/a");  // miss, stored
  process::CacheTally tally = board->read(2).cache;
  EXPECT_EQ(tally.lookups, 1u);
  EXPECT_EQ(tally.misses, 1u);
  EXPECT_EQ(tally.stores, 1u);
  EXPECT_EQ(tally.entries, 1u);
  EXPECT_GT(tally.bytes, 0u);

  send("GET", "/a");   // hit
  send("POST", "/a");  // bypass
  tally = board->read(2).cache;
  EXPECT_EQ(tally.lookups, 2u);
  EXPECT_EQ(tally.hits, 1u);
  EXPECT_EQ(tally.misses, 1u);
  EXPECT_EQ(tally.bypasses, 1u);
  EXPECT_EQ(tally.stores, 1u);
  EXPECT_EQ(tally.evictions, 0u);
  EXPECT_EQ(methods_seen.size(), 2u);

  // Only the worker's own slot.
  EXPECT_EQ(board->read(1).cache.lookups, 0u);
  EXPECT_EQ(board->read(3).cache.lookups, 0u);
}

// A hit publishes only lookups and hits: whatever else changes (expiry, eviction, stores) must
// have been published by the request that changed it.
TEST_F(CacheScoreboardTest, ThePublishedTallyAlwaysMatchesTheStagesCounters) {
  board->claim(2, 1);
  build(board, 2);
  using std::chrono::seconds;
  const std::vector<std::tuple<std::string, std::string, TimePoint>> requests = {
      {"GET", "/a", t0},  {"GET", "/a", t0},  {"GET", "/b", t0},  {"GET", "/b", t0},
      {"POST", "/b", t0}, {"GET", "/c", t0},  {"GET", "/c", t0},  {"GET", "/a", t0},  // /a was evicted
      {"GET", "/c", t0 + seconds(61)},  {"GET", "/c", t0 + seconds(61)},  // expired, then stored again
      {"HEAD", "/c", t0 + seconds(62)},
  };
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& [method, uri, at] = requests[i];
    send(method, uri, at);
    const CacheCounters& c = cache->counters();
    const process::CacheTally published = board->read(2).cache;
    EXPECT_EQ(published.lookups, c.lookups) << i;
    EXPECT_EQ(published.hits, c.hits) << i;
    EXPECT_EQ(published.misses, c.misses) << i;
    EXPECT_EQ(published.bypasses, c.total_bypasses()) << i;
    EXPECT_EQ(published.stores, c.stores) << i;
    EXPECT_EQ(published.evictions, c.evictions) << i;
    EXPECT_EQ(published.entries, c.entries) << i;
    EXPECT_EQ(published.bytes, c.bytes) << i;
  }
  EXPECT_GT(cache->counters().evictions, 0u);
  EXPECT_GT(cache->counters().expirations, 0u);
  EXPECT_GT(cache->counters().hits, 3u);
}

TEST_F(CacheScoreboardTest, WithoutAScoreboardNothingIsPublishedAndTheCacheStillWorks) {
  build(nullptr, 2);
  send("GET", "/a");
  send("GET", "/a");
  EXPECT_EQ(methods_seen.size(), 1u);
  EXPECT_EQ(board->read(2).cache.lookups, 0u);
}

TEST_F(CacheScoreboardTest, ASlotOutsideTheScoreboardIsIgnored) {
  build(board, 4);  // capacity 3
  send("GET", "/a");
  send("GET", "/a");
  EXPECT_EQ(methods_seen.size(), 1u);
  for (int slot = 1; slot <= 3; ++slot) EXPECT_EQ(board->read(slot).cache.lookups, 0u);
}

}  // namespace
}  // namespace pscgi::cache
