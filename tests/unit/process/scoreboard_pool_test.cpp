#include "process/scoreboard_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <unistd.h>

namespace pscgi::process {
namespace {

using namespace std::chrono_literals;

std::uint64_t total_requests(const ScoreboardView& view) {
  std::uint64_t total = view.pool.requests;
  for (const SlotSnapshot& worker : view.workers) total += worker.requests;
  return total;
}

std::uint64_t slot_requests(const ScoreboardView& view, int slot) {
  std::uint64_t total = view.pool.slot_requests.at(static_cast<std::size_t>(slot - 1));
  for (const SlotSnapshot& worker : view.workers) {
    if (worker.slot == slot) total += worker.requests;
  }
  return total;
}

// A worker's life as the master and the worker write it.
void run_worker(Scoreboard& board, int slot, pid_t pid, int requests, ExitReason reason) {
  board.claim(slot, 1);
  board.set_pid(slot, pid);
  SlotWriter writer = board.writer(slot);
  writer.mark_ready();
  for (int i = 1; i <= requests; ++i) {
    writer.record_duration(std::chrono::microseconds(100 * i));
    writer.set_requests(static_cast<std::uint64_t>(i));
  }
  writer.publish_cache({5, 2, 3, 1, 3, 1, 9, 900});
  board.release(slot, reason);
}

TEST(ScoreboardPoolTest, AFreshScoreboardNamesItsMasterAndHasNoTotals) {
  const auto before = Clock::now();
  const auto board = Scoreboard::create(4);
  const ScoreboardView view = board->read_all();
  EXPECT_TRUE(view.workers.empty());
  EXPECT_EQ(view.pool.master_pid, ::getpid());
  EXPECT_GE(view.pool.started, before);
  EXPECT_LE(view.pool.started, Clock::now());
  EXPECT_EQ(view.pool.requests, 0u);
  EXPECT_EQ(view.pool.slot_requests.size(), 4u);
  board->set_generation(3);
  EXPECT_EQ(board->read_all().pool.generation, 3u);
}

TEST(ScoreboardPoolTest, AReleasedWorkersCountersAreFoldedIntoThePool) {
  const auto board = Scoreboard::create(4);
  run_worker(*board, 2, 1000, 5, ExitReason::max_requests);
  const ScoreboardView view = board->read_all();
  EXPECT_TRUE(view.workers.empty());
  EXPECT_EQ(view.pool.requests, 5u);
  EXPECT_EQ(view.pool.slot_requests[1], 5u);
  EXPECT_EQ(view.pool.durations.count(), 5u);
  EXPECT_EQ(view.pool.durations.sum_ns, 1'500'000u);  // 0.1 + 0.2 + ... + 0.5 ms
  EXPECT_EQ(view.pool.durations.counts[0], 5u);       // all within 0.5 ms
  EXPECT_EQ(view.pool.cache.lookups, 5u);
  EXPECT_EQ(view.pool.cache.evictions, 1u);
  EXPECT_EQ(view.pool.cache.entries, 0u);  // gone with the worker
  EXPECT_EQ(view.pool.exits[static_cast<std::size_t>(ExitReason::max_requests)], 1u);
}

TEST(ScoreboardPoolTest, TotalsNeverGoBackwardsWhenASlotsWorkerIsReplaced) {
  const auto board = Scoreboard::create(2);
  std::uint64_t last_total = 0, last_slot = 0;
  for (int generation = 0; generation < 5; ++generation) {
    board->claim(1, 1);
    board->set_pid(1, 2000 + generation);
    SlotWriter writer = board->writer(1);
    writer.mark_ready();
    for (int i = 1; i <= 10; ++i) {
      writer.set_requests(static_cast<std::uint64_t>(i));
      writer.record_duration(1ms);
      const ScoreboardView view = board->read_all();
      EXPECT_GE(total_requests(view), last_total);
      EXPECT_GE(slot_requests(view, 1), last_slot);
      last_total = total_requests(view);
      last_slot = slot_requests(view, 1);
    }
    board->release(1, ExitReason::max_requests);
    const ScoreboardView view = board->read_all();
    EXPECT_EQ(total_requests(view), last_total) << "the fold neither loses nor doubles a request";
    EXPECT_EQ(slot_requests(view, 1), last_slot);
  }
  EXPECT_EQ(last_total, 50u);
  EXPECT_EQ(board->read_all().pool.exits[static_cast<std::size_t>(ExitReason::max_requests)], 5u);
}

TEST(ScoreboardPoolTest, ASlotGivenBackAfterAFailedForkChangesNoTotal) {
  const auto board = Scoreboard::create(2);
  board->claim(1, 1);
  board->release(1, ExitReason::none);  // no pid was ever set: no worker existed
  const ScoreboardView view = board->read_all();
  for (const std::uint64_t exits : view.pool.exits) EXPECT_EQ(exits, 0u);
  EXPECT_EQ(view.pool.requests, 0u);
}

TEST(ScoreboardPoolTest, AClaimedSlotStartsWithAnEmptyHistogram) {
  const auto board = Scoreboard::create(1);
  run_worker(*board, 1, 1000, 3, ExitReason::crash);
  board->claim(1, 2);
  EXPECT_EQ(board->read(1).durations.count(), 0u);
  EXPECT_EQ(board->read(1).durations.sum_ns, 0u);
}

TEST(ScoreboardPoolTest, DurationsFallIntoTheirBuckets) {
  EXPECT_EQ(DurationHistogram::bucket_of(0), 0u);
  EXPECT_EQ(DurationHistogram::bucket_of(500'000), 0u);  // the bound is inclusive (le)
  EXPECT_EQ(DurationHistogram::bucket_of(500'001), 1u);
  EXPECT_EQ(DurationHistogram::bucket_of(10'000'000'000), 13u);
  EXPECT_EQ(DurationHistogram::bucket_of(10'000'000'001), 14u);
}

// A reader racing with the master's folds (a thread stands in for another process: the mapping is
// the same memory) sees the sum of live and folded requests only grow.
TEST(ScoreboardPoolTest, AConcurrentReaderNeverSeesTheTotalGoBackwards) {
  const auto board = Scoreboard::create(4);
  std::atomic<bool> done{false};
  std::atomic<int> regressions{0};
  std::thread reader([&] {
    std::uint64_t last = 0;
    while (!done.load()) {
      const std::uint64_t now = total_requests(board->read_all());
      if (now < last) ++regressions;
      last = now;
    }
  });
  for (int round = 0; round < 2000; ++round) run_worker(*board, 1 + round % 4, 100 + round, 3, ExitReason::max_requests);
  done = true;
  reader.join();
  EXPECT_EQ(regressions.load(), 0);
  EXPECT_EQ(board->read_all().pool.requests, 6000u);
}

}  // namespace
}  // namespace pscgi::process
