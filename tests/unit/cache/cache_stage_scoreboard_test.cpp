// The cache stage publishes its counters into the worker's scoreboard slot after every request it
// sees, so the master (and `pscgi status`) can read them without asking the worker.

#include "cache/cache_stage.hpp"

#include "process/scoreboard.hpp"
#include "unit/cache/scripted_app.hpp"

#include <pscgi/pipeline.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pscgi::cache {
namespace {

const TimePoint t0 = TimePoint{} + std::chrono::hours(1000);

class CacheScoreboardTest : public ::testing::Test {
 protected:
  std::shared_ptr<process::Scoreboard> board = process::Scoreboard::create(3);
  std::vector<std::string> methods_seen;
  Pipeline pipeline;

  void build(std::shared_ptr<process::Scoreboard> scoreboard, int slot) {
    config::CacheSettings settings;
    settings.ttl_jitter = 0;
    pipeline.append(make_cache_stage(settings, config::WorkerSettings{}, nullptr, std::move(scoreboard)));
    pipeline.append(std::make_unique<test_support::ScriptedApp>(
        [](const Request&) {
          return ResponseBuilder(200).content_type("text/plain").header("Cache-Control", "max-age=60").body("hi").finish();
        },
        &methods_seen));
    pipeline.on_worker_start({.pid = 77, .slot = slot});
  }

  void send(std::string_view method, std::string_view uri) {
    const Request request = Request::from_variables(
        {{"REQUEST_METHOD", std::string(method)}, {"REQUEST_URI", std::string(uri)}, {"HTTP_HOST", "example.com"}});
    Exchange exchange(request, t0);
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
