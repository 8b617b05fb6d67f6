#pragma once
/// \file
/// The "cache" stage: answers requests from responses this worker has already made (docs/cache.md).

#include "cache/cache_generation.hpp"
#include "cache/cacheability.hpp"
#include "cache/http_date.hpp"
#include "cache/response_cache.hpp"
#include "config/config.hpp"
#include "process/scoreboard.hpp"

#include <pscgi/stage.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

namespace pscgi::cache {

/// What one worker's cache did. Plain integers: a worker calls its stages from one thread.
struct CacheCounters {
  std::uint64_t lookups = 0;     ///< requests looked up in the store (all but bypasses)
  std::uint64_t hits = 0;        ///< answered from a fresh entry
  std::uint64_t misses = 0;      ///< passed on to the application
  std::uint64_t stale_hits = 0;  ///< misses the application failed, answered from an expired entry
  std::uint64_t stores = 0;      ///< responses stored
  /// Requests that went past the cache, by BypassReason (index = the enum's value).
  std::array<std::uint64_t, static_cast<std::size_t>(BypassReason::count)> bypasses{};
  /// Miss responses not stored, by StoreRefusal (index = the enum's value).
  std::array<std::uint64_t, static_cast<std::size_t>(StoreRefusal::count)> not_stored{};
  std::uint64_t evictions = 0;    ///< entries removed to make room
  std::uint64_t expirations = 0;  ///< entries removed when met past their time
  std::uint64_t flushes = 0;      ///< times the store was emptied because the generation changed
  std::size_t entries = 0;        ///< entries held now (vary markers included)
  std::size_t bytes = 0;          ///< what they count against max_bytes

  std::uint64_t bypass_count(BypassReason reason) const noexcept { return bypasses[static_cast<std::size_t>(reason)]; }
  std::uint64_t not_stored_count(StoreRefusal reason) const noexcept {
    return not_stored[static_cast<std::size_t>(reason)];
  }
  std::uint64_t total_bypasses() const noexcept;
};

/// Seams for tests. Empty functions mean the real thing.
struct CacheStageHooks {
  /// The wall clock, used to read an Expires without a Date and, with cache.outer, to say until
  /// which second nginx may keep an answer. Default: system_clock::now.
  std::function<WallClock::time_point()> wall_clock;
  /// A number in [0, 1) scaled by ttl_jitter to cut each lifetime. Default: a std::mt19937_64
  /// seeded in on_worker_start from std::random_device and the pid, so workers differ.
  std::function<double()> random_unit;
};

/// max_entries when CacheSettings::max_entries is unset: max(16, workers.max_requests / 5), or
/// 1000 when max_requests is 0 (a worker that never restarts).
std::size_t default_max_entries(const config::WorkerSettings& workers) noexcept;

/// The cache stage. Its time is Exchange::accepted_at() (the steady clock): pass a fake one in
/// tests. The key and the bypass rules read Exchange::original_request(). It answers HEAD with the
/// stored GET response itself, and runs a HEAD miss as GET (Exchange::replace_request) so that the
/// full response is stored; the body is left out where the answer is written, not here.
/// What it did is left on the exchange as a pipeline::CacheOutcome, and with cache.outer what an
/// outer cache may do with the answer as a pipeline::OuterVerdict (a hit or a stored response for
/// no longer than pscgi keeps it, and outer_max_ttl in nginx's count; anything else not at all).
/// With a scoreboard, its counters are published into the worker's slot (WorkerInfo::slot) after
/// every request it sees.
class CacheStage final : public Stage {
 public:
  CacheStage(const config::CacheSettings& settings, const config::WorkerSettings& workers,
             std::shared_ptr<CacheGeneration> generation, CacheStageHooks hooks = {},
             std::shared_ptr<process::Scoreboard> scoreboard = nullptr);

  std::string_view name() const noexcept override { return "cache"; }
  StageResult on_request(Exchange& exchange) override;
  void on_response(Exchange& exchange) override;
  void on_worker_start(const WorkerInfo& worker) override;
  /// Logs the counters.
  void on_worker_exit() override;

  const CacheCounters& counters() const noexcept { return counters_; }
  const ResponseCache& store() const noexcept { return store_; }

 private:
  void follow_generation();
  const CacheEntry* find_entry(const Request& request, TimePoint now);
  bool serve_stale(Exchange& exchange, TimePoint now);
  void store_response(Exchange& exchange, const ResponsePtr& response, TimePoint now);
  bool insert(const Request& request, const Response& response, const ResponsePtr& stored, TimePoint now,
              TimePoint expires, std::chrono::milliseconds stale_window);
  void forget(const Request& request, TimePoint now);
  WallClock::time_point wall_now() const;
  void allow_outer_cache(Exchange& exchange, TimePoint::duration left) const;
  double draw_unit();
  void add_debug_headers(Exchange& exchange, std::string cache_status) const;
  void sync_store_counters() noexcept;
  void publish() noexcept;

  config::CacheSettings settings_;
  std::shared_ptr<CacheGeneration> generation_;
  std::uint64_t seen_generation_ = 0;
  CacheStageHooks hooks_;
  std::mt19937_64 random_;
  std::string worker_pid_;
  ResponseCache store_;
  std::string key_;      ///< reused for every lookup, so a hit allocates nothing
  std::string variant_;  ///< reused when storing a response that varies
  WallClock::time_point wall_at_request_;  ///< read once per request when cache.outer is on
  CacheCounters counters_;
  std::shared_ptr<process::Scoreboard> scoreboard_;  ///< null: nothing is published
  std::optional<process::SlotWriter> slot_;          ///< this worker's, from on_worker_start
};

/// The stage for the `cache` entry of `pipeline:`. `generation` may be null (then nothing but
/// expiry and eviction ever removes an entry); so may `scoreboard` (then nothing is published).
/// Call in the master, before fork.
StagePtr make_cache_stage(const config::CacheSettings& settings, const config::WorkerSettings& workers,
                          std::shared_ptr<CacheGeneration> generation,
                          std::shared_ptr<process::Scoreboard> scoreboard = nullptr);

}  // namespace pscgi::cache
