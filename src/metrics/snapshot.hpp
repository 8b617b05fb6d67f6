#pragma once
// What the metrics show, taken from the scoreboard in one consistent read: the live workers' slots
// and the pool totals (the master's pid, start and generation, and what gone workers did). The
// renderers (prometheus_text.hpp, json_text.hpp) only format it; the sums they share are here, so
// the two formats cannot disagree.

#include "pipeline/clock.hpp"
#include "process/scoreboard.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace pscgi::metrics {

/// The states a worker is shown in (process::state_name), in the docs' order.
inline constexpr std::array<std::string_view, 7> worker_states = {"starting", "idle",    "reading", "handling",
                                                                  "writing",  "due",     "retiring"};

struct MetricsSnapshot {
  Clock::time_point taken_at{};
  std::vector<process::SlotSnapshot> workers;  ///< live (non-empty) slots, by slot number
  process::PoolTotals pool;                    ///< the master's figures and the gone workers' totals

  double up_seconds() const noexcept;
  /// (slot, answered): folded + live, for every slot that has ever answered or has a worker now.
  std::vector<std::pair<int, std::uint64_t>> requests_by_slot() const;
  /// Every request ever answered: live + folded.
  std::uint64_t total_requests() const noexcept;
  /// Pool-wide: live + folded.
  process::DurationHistogram total_durations() const noexcept;
  /// Counters live + folded; entries and bytes live only.
  process::CacheTally total_cache() const noexcept;
  /// Live workers by state, in worker_states' order.
  std::array<std::uint64_t, worker_states.size()> workers_by_state() const noexcept;
  std::uint64_t total_rss() const noexcept;
  /// How long the worker's current request has run, when it has one (handling or writing).
  std::optional<double> request_seconds(const process::SlotSnapshot& worker) const noexcept;
};

MetricsSnapshot take_snapshot(const process::Scoreboard& scoreboard, Clock::time_point now);

/// The worker's state as shown (process::state_name).
std::string_view state_of(const process::SlotSnapshot& worker) noexcept;

}  // namespace pscgi::metrics
