#pragma once
// The pool record of the scoreboard mapping, beside the slots: written only by the master, read by
// anyone (the metrics). It keeps what outlives a worker: the totals of every worker that has gone
// (folded in by Scoreboard::release), per slot for the request counts, and the exits by reason.
// Like the slots, every field is a lock-free atomic and the zero pages of a fresh mapping are a
// valid empty record. `sequence` is odd while the master folds a worker in and releases its slot,
// so a reader that copies slots and totals together can tell it met a fold and try again.

#include "process/scoreboard.hpp"

#include <array>
#include <atomic>
#include <cstdint>

namespace pscgi::process {

struct alignas(64) ScoreboardPool {
  static constexpr std::size_t folded_cache_counters = 6;  ///< CacheTally's counters (entries and bytes are not)

  std::atomic<pid_t> master_pid;
  std::atomic<std::uint32_t> generation;
  std::atomic<std::int64_t> started_ns;      ///< Clock's count since its epoch
  std::atomic<std::uint32_t> sequence;       ///< odd while a worker is being folded in
  std::atomic<std::uint32_t> highest_slot;   ///< the highest slot ever claimed: readers look no further
  std::atomic<std::uint64_t> requests;
  std::array<std::atomic<std::uint64_t>, folded_cache_counters> cache;
  std::array<std::atomic<std::uint64_t>, DurationHistogram::bucket_count> duration_counts;
  std::atomic<std::uint64_t> duration_sum_ns;
  std::array<std::atomic<std::uint64_t>, exit_reason_count> exits;
  std::array<std::atomic<std::uint64_t>, Scoreboard::capacity_limit> slot_requests;  ///< [slot - 1]
};

/// Master, at the scoreboard's creation.
void start_pool(ScoreboardPool& pool, pid_t master_pid, Clock::time_point started) noexcept;
/// Master, at claim: readers look at slots up to the highest one ever claimed.
void note_claimed(ScoreboardPool& pool, int slot) noexcept;
/// Master, between begin_fold and end_fold: adds a gone worker's final counters to the totals.
void fold_worker(ScoreboardPool& pool, const ScoreboardSlot& slot, int slot_number, ExitReason reason) noexcept;
/// Master: the sequence turns odd; every store until end_fold is seen by a reader only with it.
void begin_fold(ScoreboardPool& pool) noexcept;
void end_fold(ScoreboardPool& pool) noexcept;
/// Any process: the totals, for slots 1..capacity.
PoolTotals read_pool(const ScoreboardPool& pool, int capacity);

}  // namespace pscgi::process
