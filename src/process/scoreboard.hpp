#pragma once
// The scoreboard: one slot per possible worker in a MAP_SHARED | MAP_ANONYMOUS mapping made by the
// master before the first fork (Apache's scoreboard.h, without its locks). A worker writes only its
// own slot, with relaxed atomic stores; the master reads every slot for its decisions (recycling,
// the adaptive pool, the watchdog) and writes a slot only while no worker owns it (claim before
// fork, release after reaping). No lock anywhere: a lock held by a killed worker would stop the
// master (uWSGI's deadlock). Every field is a lock-free std::atomic (checked at compile time),
// so reads are never torn; the request text, which is longer than one word, is guarded by a
// sequence number (a reader that meets a write in progress tries again, then gives up).
//
// Beside the slots, the same mapping holds one pool record written only by the master (see
// scoreboard_pool.hpp): its pid, start time and generation, and the totals of every worker that
// has gone, folded in when the master releases its slot. So counters shown as "live + gone" never
// go backwards when a worker is replaced; the fold runs under a sequence number of its own, so a
// reader that takes slots and totals together (read_all) counts every request exactly once.

#include "pipeline/clock.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace pscgi::process {

struct ScoreboardPool;

/// Where a worker is in its life. `serving` is shown as its Activity (idle, reading, …).
enum class Lifecycle : std::uint8_t {
  empty,     ///< no worker in this slot
  starting,  ///< forked, not yet ready to accept (on_worker_start is running)
  serving,   ///< accepting and answering
  due,       ///< reached a limit (see due_reason), still serving, waiting for the master's turn
  retiring,  ///< told to leave: accepts no more, finishes what it has, exits
};

/// What a serving worker is doing right now.
enum class Activity : std::uint8_t {
  idle,      ///< no connection
  reading,   ///< only connections whose request is still arriving
  handling,  ///< running the pipeline for a request (the watchdog's clock runs)
  writing,   ///< answers waiting for a slow peer
};

/// Why a worker left (or, for `due`, why it wants to). The names are the log's and the metrics'.
enum class ExitReason : std::uint8_t {
  none,
  max_requests,
  max_lifetime,
  max_rss,
  timeout,
  crash,
  reload,
  scale_down,
  stop,
};

/// How many ExitReason values there are (arrays indexed by reason).
inline constexpr std::size_t exit_reason_count = static_cast<std::size_t>(ExitReason::stop) + 1;

std::string_view lifecycle_name(Lifecycle lifecycle) noexcept;
std::string_view activity_name(Activity activity) noexcept;
std::string_view exit_reason_name(ExitReason reason) noexcept;

/// The state the docs and `pscgi status` show: starting, idle, reading, handling, writing, due or
/// retiring (the lifecycle, or the activity while serving); "empty" for a free slot.
std::string_view state_name(Lifecycle lifecycle, Activity activity) noexcept;

/// The cache's counters as a worker last published them.
struct CacheTally {
  std::uint64_t lookups = 0;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t bypasses = 0;
  std::uint64_t stores = 0;
  std::uint64_t evictions = 0;
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;
};

/// Request durations (accept to the answer written) counted into fixed buckets: Prometheus's
/// usual bounds, from 0.5 ms to 10 s. counts[i] holds the durations in (bounds[i-1], bounds[i]]
/// (not cumulative); the last bucket holds those above every bound (`+Inf`).
struct DurationHistogram {
  static constexpr std::array<std::int64_t, 14> bounds_ns = {
      500'000,       1'000'000,     2'500'000,     5'000'000,     10'000'000,    25'000'000,    50'000'000,
      100'000'000,   250'000'000,   500'000'000,   1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};
  static constexpr std::size_t bucket_count = bounds_ns.size() + 1;

  std::array<std::uint64_t, bucket_count> counts{};
  std::uint64_t sum_ns = 0;

  /// The bucket of a duration: a short scan, since most requests land in the first buckets.
  static std::size_t bucket_of(std::int64_t ns) noexcept {
    std::size_t i = 0;
    while (i < bounds_ns.size() && ns > bounds_ns[i]) ++i;
    return i;
  }
  std::uint64_t count() const noexcept;
  void add(const DurationHistogram& other) noexcept;
};

/// A consistent-enough copy of one slot, for the master and for display.
struct SlotSnapshot {
  int slot = 0;
  pid_t pid = 0;
  std::uint32_t generation = 0;
  Lifecycle lifecycle = Lifecycle::empty;
  Activity activity = Activity::idle;
  ExitReason due_reason = ExitReason::none;       ///< set while `due`
  ExitReason previous_exit = ExitReason::none;    ///< why the slot's previous occupant left
  std::uint64_t requests = 0;                     ///< answered by this worker
  Clock::time_point request_started{};            ///< of the current request (monotonic)
  std::string request;  ///< "GET /path?query" of the current request, truncated, control bytes escaped
  CacheTally cache;
  std::uint64_t rss_bytes = 0;
  DurationHistogram durations;  ///< of the requests this worker answered
  bool busy() const noexcept { return lifecycle != Lifecycle::starting && activity != Activity::idle; }
};

/// The raw shared slot. Only Scoreboard and SlotWriter touch it; it is defined here, not in the
/// .cpp, so that SlotWriter's one-store calls inline into the request path. Every field is a
/// lock-free atomic, so that a process killed in the middle of a store leaves nothing half-written
/// that a reader could trip on, and so that the zero pages of a fresh mapping are already valid
/// (empty) slots: a lock-free atomic holds its value's plain representation.
struct alignas(64) ScoreboardSlot {
  static constexpr std::size_t method_words = 2;  ///< the method's first 16 bytes
  static constexpr std::size_t uri_words = 18;    ///< the URI's first 144 bytes
  static constexpr std::size_t cache_counters = 8;  ///< CacheTally's, in its order

  std::atomic<pid_t> pid;
  std::atomic<std::uint32_t> generation;
  std::atomic<Lifecycle> lifecycle;
  std::atomic<Activity> activity;
  std::atomic<ExitReason> due_reason;
  std::atomic<ExitReason> previous_exit;
  std::atomic<std::uint64_t> requests;
  std::atomic<std::int64_t> request_started_ns;  ///< Clock's count since its epoch
  std::atomic<std::uint32_t> request_sequence;  ///< odd while the worker rewrites the request text
  std::atomic<std::uint32_t> method_length;     ///< before truncation
  std::atomic<std::uint32_t> uri_length;        ///< before truncation
  std::array<std::atomic<std::uint64_t>, method_words> method;  ///< raw bytes, past the length unspecified
  std::array<std::atomic<std::uint64_t>, uri_words> uri;        ///< raw bytes, past the length unspecified
  std::array<std::atomic<std::uint64_t>, cache_counters> cache;
  std::atomic<std::uint64_t> rss_bytes;
  std::array<std::atomic<std::uint64_t>, DurationHistogram::bucket_count> duration_counts;
  std::atomic<std::uint64_t> duration_sum_ns;
};

static_assert(std::atomic<pid_t>::is_always_lock_free);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic<std::int64_t>::is_always_lock_free);
static_assert(std::atomic<Lifecycle>::is_always_lock_free);
static_assert(std::atomic<Activity>::is_always_lock_free);
static_assert(std::atomic<ExitReason>::is_always_lock_free);
static_assert(sizeof(ScoreboardSlot) % 64 == 0, "one slot never shares a cache line with the next");

/// What a worker writes into its own slot. Every call is a handful of relaxed stores: it is on the
/// path of every request, cache hits included.
class SlotWriter {
 public:
  explicit SlotWriter(ScoreboardSlot& slot) noexcept : slot_(&slot) {}

  /// on_worker_start has run: the worker accepts from now on (lifecycle `serving`, `idle`).
  void mark_ready() noexcept;
  void set_activity(Activity activity) noexcept;
  /// A request starts handling: activity `handling`, its start time and its method + URI.
  void begin_request(std::string_view method, std::string_view uri, Clock::time_point started) noexcept;
  void set_requests(std::uint64_t answered) noexcept;
  void publish_cache(const CacheTally& tally) noexcept;
  /// After a cache hit, which changes only these two counters of the tally: two stores.
  void publish_cache_hit(std::uint64_t lookups, std::uint64_t hits) noexcept;
  void set_rss(std::uint64_t bytes) noexcept;
  /// A request was answered (its answer written, or given up on) this long after its accept.
  void record_duration(Clock::duration took) noexcept;
  /// A limit was reached; the worker keeps serving until the master retires it.
  void mark_due(ExitReason reason) noexcept;
  /// The master told it to leave.
  void mark_retiring() noexcept;

 private:
  ScoreboardSlot* slot_;
};

inline void SlotWriter::set_activity(Activity activity) noexcept {
  slot_->activity.store(activity, std::memory_order_relaxed);
}

inline void SlotWriter::set_requests(std::uint64_t answered) noexcept {
  slot_->requests.store(answered, std::memory_order_relaxed);
}

// Written out field by field: this runs on every cache hit.
inline void SlotWriter::publish_cache(const CacheTally& tally) noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  slot_->cache[0].store(tally.lookups, relaxed);
  slot_->cache[1].store(tally.hits, relaxed);
  slot_->cache[2].store(tally.misses, relaxed);
  slot_->cache[3].store(tally.bypasses, relaxed);
  slot_->cache[4].store(tally.stores, relaxed);
  slot_->cache[5].store(tally.evictions, relaxed);
  slot_->cache[6].store(tally.entries, relaxed);
  slot_->cache[7].store(tally.bytes, relaxed);
}

inline void SlotWriter::publish_cache_hit(std::uint64_t lookups, std::uint64_t hits) noexcept {
  slot_->cache[0].store(lookups, std::memory_order_relaxed);
  slot_->cache[1].store(hits, std::memory_order_relaxed);
}

inline void SlotWriter::set_rss(std::uint64_t bytes) noexcept { slot_->rss_bytes.store(bytes, std::memory_order_relaxed); }

// The worker is the only writer of its slot: a load and a store, not a locked read-modify-write.
inline void SlotWriter::record_duration(Clock::duration took) noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  const std::int64_t ns = std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::nanoseconds>(took).count());
  std::atomic<std::uint64_t>& bucket = slot_->duration_counts[DurationHistogram::bucket_of(ns)];
  bucket.store(bucket.load(relaxed) + 1, relaxed);
  slot_->duration_sum_ns.store(slot_->duration_sum_ns.load(relaxed) + static_cast<std::uint64_t>(ns), relaxed);
}

/// The pool record as read: who runs the pool, and what the workers that have gone did.
struct PoolTotals {
  pid_t master_pid = 0;
  Clock::time_point started{};  ///< when the scoreboard was made (the master's start), monotonic
  std::uint32_t generation = 0;  ///< the master's current configuration generation
  std::uint64_t requests = 0;    ///< answered by workers that have gone
  CacheTally cache;              ///< their cache counters (entries and bytes went with them: 0)
  DurationHistogram durations;   ///< their request durations
  std::array<std::uint64_t, exit_reason_count> exits{};  ///< workers gone, by ExitReason
  std::vector<std::uint64_t> slot_requests;  ///< [slot - 1]: answered by the slot's gone workers
};

/// Every occupied slot and the pool totals, read together so that no request is counted twice
/// (as live and as folded) nor missed.
struct ScoreboardView {
  std::vector<SlotSnapshot> workers;  ///< the non-empty slots, by slot number
  PoolTotals pool;
};

class Scoreboard {
 public:
  /// The most slots a scoreboard can have: workers.max's ceiling plus max_recycling's, so that a
  /// reload may raise workers.max without a restart.
  static constexpr int capacity_limit = 1024 + 64;

  /// Maps `capacity` slots, numbered 1..capacity, shared with every process forked afterwards.
  /// Pages of slots never used are never touched. Throws std::system_error naming mmap on failure.
  static std::shared_ptr<Scoreboard> create(int capacity = capacity_limit);
  ~Scoreboard();
  Scoreboard(const Scoreboard&) = delete;
  Scoreboard& operator=(const Scoreboard&) = delete;

  int capacity() const noexcept { return capacity_; }

  /// Master, before fork: resets the slot for a new worker (lifecycle `starting`, counters zero),
  /// keeping the previous exit reason.
  void claim(int slot, std::uint32_t generation) noexcept;
  /// Master, after fork: the child's pid.
  void set_pid(int slot, pid_t pid) noexcept;
  /// Master, after reaping: the slot is free; `reason` is why its worker left. A worker that
  /// existed (its pid was set) has its counters folded into the pool totals and its exit counted;
  /// a slot given back after a failed fork changes no total.
  void release(int slot, ExitReason reason) noexcept;
  /// Master: its current configuration generation (at start and after a reload or a roll-back).
  void set_generation(std::uint32_t generation) noexcept;

  /// The writer for a slot (the worker keeps one for its own).
  SlotWriter writer(int slot) noexcept;
  SlotSnapshot read(int slot) const;
  /// Every occupied slot and the pool totals, consistent with each other (retried while the master
  /// folds a worker in). For the metrics, from any process.
  ScoreboardView read_all() const;
  /// The lowest free slot, or 0 when none is free among 1..limit.
  int first_free(int limit) const noexcept;

 private:
  Scoreboard(ScoreboardSlot* slots, ScoreboardPool* pool, int capacity, std::size_t mapped_bytes) noexcept;
  ScoreboardSlot& at(int slot) const noexcept;

  ScoreboardSlot* slots_;
  ScoreboardPool* pool_;
  int capacity_;
  std::size_t mapped_bytes_;
};

/// Reads this process's resident set size (bytes) from /proc/self/statm with one pread on a
/// descriptor kept open; 0 when it cannot.
class RssReader {
 public:
  RssReader() noexcept;
  ~RssReader();
  RssReader(const RssReader&) = delete;
  RssReader& operator=(const RssReader&) = delete;
  std::uint64_t read() const noexcept;

 private:
  int fd_ = -1;
};

}  // namespace pscgi::process
