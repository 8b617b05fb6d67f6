#include "metrics/snapshot.hpp"

#include <algorithm>
#include <chrono>

namespace pscgi::metrics {
namespace {

double to_seconds(Clock::duration d) noexcept { return std::chrono::duration<double>(d).count(); }

bool has_current_request(const process::SlotSnapshot& worker) noexcept {
  return worker.lifecycle != process::Lifecycle::starting &&
         (worker.activity == process::Activity::handling || worker.activity == process::Activity::writing);
}

}  // namespace

std::string_view state_of(const process::SlotSnapshot& worker) noexcept {
  return process::state_name(worker.lifecycle, worker.activity);
}

MetricsSnapshot take_snapshot(const process::Scoreboard& scoreboard, Clock::time_point now) {
  process::ScoreboardView view = scoreboard.read_all();
  return {now, std::move(view.workers), std::move(view.pool)};
}

double MetricsSnapshot::up_seconds() const noexcept { return std::max(0.0, to_seconds(taken_at - pool.started)); }

std::vector<std::pair<int, std::uint64_t>> MetricsSnapshot::requests_by_slot() const {
  std::vector<std::uint64_t> by_slot = pool.slot_requests;
  std::vector<bool> live(by_slot.size(), false);
  for (const process::SlotSnapshot& worker : workers) {
    const auto index = static_cast<std::size_t>(worker.slot - 1);
    if (index >= by_slot.size()) continue;
    by_slot[index] += worker.requests;
    live[index] = true;
  }
  std::vector<std::pair<int, std::uint64_t>> rows;
  for (std::size_t i = 0; i < by_slot.size(); ++i) {
    if (live[i] || by_slot[i] != 0) rows.emplace_back(static_cast<int>(i + 1), by_slot[i]);
  }
  return rows;
}

std::uint64_t MetricsSnapshot::total_requests() const noexcept {
  std::uint64_t total = pool.requests;
  for (const process::SlotSnapshot& worker : workers) total += worker.requests;
  return total;
}

process::DurationHistogram MetricsSnapshot::total_durations() const noexcept {
  process::DurationHistogram total = pool.durations;
  for (const process::SlotSnapshot& worker : workers) total.add(worker.durations);
  return total;
}

process::CacheTally MetricsSnapshot::total_cache() const noexcept {
  process::CacheTally total = pool.cache;
  for (const process::SlotSnapshot& worker : workers) {
    const process::CacheTally& c = worker.cache;
    total.lookups += c.lookups;
    total.hits += c.hits;
    total.misses += c.misses;
    total.bypasses += c.bypasses;
    total.stores += c.stores;
    total.evictions += c.evictions;
    total.entries += c.entries;
    total.bytes += c.bytes;
  }
  return total;
}

std::array<std::uint64_t, worker_states.size()> MetricsSnapshot::workers_by_state() const noexcept {
  std::array<std::uint64_t, worker_states.size()> counts{};
  for (const process::SlotSnapshot& worker : workers) {
    const auto found = std::find(worker_states.begin(), worker_states.end(), state_of(worker));
    if (found != worker_states.end()) ++counts[static_cast<std::size_t>(found - worker_states.begin())];
  }
  return counts;
}

std::uint64_t MetricsSnapshot::total_rss() const noexcept {
  std::uint64_t total = 0;
  for (const process::SlotSnapshot& worker : workers) total += worker.rss_bytes;
  return total;
}

std::optional<double> MetricsSnapshot::request_seconds(const process::SlotSnapshot& worker) const noexcept {
  if (!has_current_request(worker)) return std::nullopt;
  return std::max(0.0, to_seconds(taken_at - worker.request_started));
}

}  // namespace pscgi::metrics
