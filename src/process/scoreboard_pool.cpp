#include "process/scoreboard_pool.hpp"

#include <algorithm>
#include <sched.h>
#include <thread>

namespace pscgi::process {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;
// A fold takes the master well under a microsecond; a reader that meets one this many times in a
// row (the master preempted in the middle) waits a millisecond between further tries. Past the
// last it keeps what it read: one worker may then be counted twice in that one answer.
constexpr int view_read_attempts = 200;
constexpr int view_quick_attempts = 8;

// The master is the pool record's only writer: a load and a store, as the worker does in its slot.
void add(std::atomic<std::uint64_t>& total, std::uint64_t amount) noexcept {
  total.store(total.load(relaxed) + amount, relaxed);
}

}  // namespace

std::uint64_t DurationHistogram::count() const noexcept {
  std::uint64_t total = 0;
  for (const std::uint64_t n : counts) total += n;
  return total;
}

void DurationHistogram::add(const DurationHistogram& other) noexcept {
  for (std::size_t i = 0; i < bucket_count; ++i) counts[i] += other.counts[i];
  sum_ns += other.sum_ns;
}

void start_pool(ScoreboardPool& pool, pid_t master_pid, Clock::time_point started) noexcept {
  pool.master_pid.store(master_pid, relaxed);
  pool.started_ns.store(std::chrono::duration_cast<std::chrono::nanoseconds>(started.time_since_epoch()).count(), relaxed);
}

void note_claimed(ScoreboardPool& pool, int slot) noexcept {
  const auto number = static_cast<std::uint32_t>(slot);
  if (pool.highest_slot.load(relaxed) < number) pool.highest_slot.store(number, std::memory_order_release);
}

// The worker has been reaped: its slot holds its final counters.
void fold_worker(ScoreboardPool& pool, const ScoreboardSlot& slot, int slot_number, ExitReason reason) noexcept {
  const std::uint64_t requests = slot.requests.load(relaxed);
  add(pool.requests, requests);
  add(pool.slot_requests[static_cast<std::size_t>(slot_number - 1)], requests);
  for (std::size_t i = 0; i < ScoreboardPool::folded_cache_counters; ++i) add(pool.cache[i], slot.cache[i].load(relaxed));
  for (std::size_t i = 0; i < DurationHistogram::bucket_count; ++i) {
    add(pool.duration_counts[i], slot.duration_counts[i].load(relaxed));
  }
  add(pool.duration_sum_ns, slot.duration_sum_ns.load(relaxed));
  add(pool.exits[static_cast<std::size_t>(reason)], 1);
}

// A sequence lock with one writer: the release fence keeps the fold's stores after the odd number
// for a reader that pairs it with an acquire fence before it looks at the number again.
void begin_fold(ScoreboardPool& pool) noexcept {
  pool.sequence.store(pool.sequence.load(relaxed) + 1, relaxed);
  std::atomic_thread_fence(std::memory_order_release);
}

void end_fold(ScoreboardPool& pool) noexcept {
  pool.sequence.store(pool.sequence.load(relaxed) + 1, std::memory_order_release);
}

PoolTotals read_pool(const ScoreboardPool& pool, int capacity) {
  PoolTotals totals;
  totals.master_pid = pool.master_pid.load(relaxed);
  totals.started = Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(pool.started_ns.load(relaxed))));
  totals.generation = pool.generation.load(relaxed);
  totals.requests = pool.requests.load(relaxed);
  auto cache = [&](std::size_t i) { return pool.cache[i].load(relaxed); };
  totals.cache = {cache(0), cache(1), cache(2), cache(3), cache(4), cache(5), 0, 0};
  for (std::size_t i = 0; i < DurationHistogram::bucket_count; ++i) {
    totals.durations.counts[i] = pool.duration_counts[i].load(relaxed);
  }
  totals.durations.sum_ns = pool.duration_sum_ns.load(relaxed);
  for (std::size_t i = 0; i < exit_reason_count; ++i) totals.exits[i] = pool.exits[i].load(relaxed);
  const auto slots = static_cast<std::size_t>(std::clamp(capacity, 0, Scoreboard::capacity_limit));
  totals.slot_requests.resize(slots);
  for (std::size_t i = 0; i < slots; ++i) totals.slot_requests[i] = pool.slot_requests[i].load(relaxed);
  return totals;
}

ScoreboardView Scoreboard::read_all() const {
  ScoreboardView view;
  for (int attempt = 1;; ++attempt) {
    const std::uint32_t before = pool_->sequence.load(std::memory_order_acquire);
    if (before % 2 == 0 || attempt >= view_read_attempts) {
      view.workers.clear();
      const int last = std::min(capacity_, static_cast<int>(pool_->highest_slot.load(std::memory_order_acquire)));
      for (int slot = 1; slot <= last; ++slot) {
        if (at(slot).lifecycle.load(relaxed) == Lifecycle::empty) continue;
        SlotSnapshot snapshot = read(slot);
        if (snapshot.lifecycle != Lifecycle::empty) view.workers.push_back(std::move(snapshot));
      }
      view.pool = read_pool(*pool_, capacity_);
      std::atomic_thread_fence(std::memory_order_acquire);
      if (before % 2 == 0 && pool_->sequence.load(relaxed) == before) return view;
      if (attempt >= view_read_attempts) return view;
    }
    if (attempt < view_quick_attempts) ::sched_yield();
    else std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace pscgi::process
