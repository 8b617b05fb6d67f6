#include "metrics/prometheus_text.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iterator>

namespace pscgi::metrics {
namespace {

using process::CacheTally;
using process::DurationHistogram;
using process::ExitReason;

double ns_to_seconds(std::uint64_t ns) noexcept { return static_cast<double>(ns) / 1e9; }

class Exposition {
 public:
  /// Starts a family: its HELP and TYPE lines, once.
  void family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  template <class Value>
  void sample(std::string_view name, Value value) {
    fmt::format_to(std::back_inserter(out_), "{} {}\n", name, value);
  }
  template <class Value>
  void sample(std::string_view name, std::string_view label, std::string_view label_value, Value value) {
    fmt::format_to(std::back_inserter(out_), "{}{{{}=\"{}\"}} {}\n", name, label, escape_label_value(label_value), value);
  }
  template <class Value>
  void single(std::string_view name, std::string_view type, std::string_view help, Value value) {
    family(name, type, help);
    sample(name, value);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

void render_pool(Exposition& out, const MetricsSnapshot& s) {
  out.family("pscgi_build_info", "gauge", "Always 1; the label says which pscgi answers.");
  out.sample("pscgi_build_info", "version", PSCGI_VERSION, 1);
  out.single("pscgi_up_seconds", "gauge", "Seconds since the master started.", s.up_seconds());
  out.single("pscgi_generation", "gauge", "The master's current configuration generation (1, then +1 per reload).",
             s.pool.generation);
  out.family("pscgi_workers", "gauge", "Live workers by state.");
  const auto by_state = s.workers_by_state();
  for (std::size_t i = 0; i < worker_states.size(); ++i) out.sample("pscgi_workers", "state", worker_states[i], by_state[i]);
  out.family("pscgi_worker_exits_total", "counter", "Workers that have exited, by why they left.");
  for (std::size_t i = 1; i < process::exit_reason_count; ++i) {
    out.sample("pscgi_worker_exits_total", "reason", process::exit_reason_name(static_cast<ExitReason>(i)), s.pool.exits[i]);
  }
}

void render_requests(Exposition& out, const MetricsSnapshot& s) {
  out.family("pscgi_requests_total", "counter",
             "Requests answered, by scoreboard slot (the slot's current worker and every one before it).");
  for (const auto& [slot, answered] : s.requests_by_slot()) out.sample("pscgi_requests_total", "slot", std::to_string(slot), answered);

  const DurationHistogram durations = s.total_durations();
  constexpr std::string_view name = "pscgi_request_duration_seconds";
  out.family(name, "histogram", "Time from accepting a request to having written its answer.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < DurationHistogram::bucket_count; ++i) {
    cumulative += durations.counts[i];
    const std::string le =
        i < DurationHistogram::bounds_ns.size() ? fmt::format("{}", static_cast<double>(DurationHistogram::bounds_ns[i]) / 1e9) : "+Inf";
    out.sample("pscgi_request_duration_seconds_bucket", "le", le, cumulative);
  }
  out.sample("pscgi_request_duration_seconds_sum", ns_to_seconds(durations.sum_ns));
  out.sample("pscgi_request_duration_seconds_count", cumulative);
}

void render_cache(Exposition& out, const MetricsSnapshot& s) {
  const CacheTally c = s.total_cache();
  out.single("pscgi_cache_lookups_total", "counter", "Requests the response caches looked up.", c.lookups);
  out.single("pscgi_cache_hits_total", "counter", "Requests answered from a response cache.", c.hits);
  out.single("pscgi_cache_misses_total", "counter", "Lookups that found no usable entry.", c.misses);
  out.single("pscgi_cache_bypasses_total", "counter", "Requests that skipped the cache (method, cookie, authorization, no-cache).",
             c.bypasses);
  out.single("pscgi_cache_stores_total", "counter", "Responses stored in a cache.", c.stores);
  out.single("pscgi_cache_evictions_total", "counter", "Entries evicted to stay within the caches' limits.", c.evictions);
  out.single("pscgi_cache_entries", "gauge", "Entries in the live workers' caches.", c.entries);
  out.single("pscgi_cache_bytes", "gauge", "Bytes held by the live workers' caches.", c.bytes);
}

void render_workers(Exposition& out, const MetricsSnapshot& s) {
  auto per_slot = [&](std::string_view name, std::string_view help, auto value) {
    out.family(name, "gauge", help);
    for (const process::SlotSnapshot& worker : s.workers) out.sample(name, "slot", std::to_string(worker.slot), value(worker));
  };
  using Slot = process::SlotSnapshot;
  per_slot("pscgi_worker_generation", "The configuration generation of the slot's worker.",
           [](const Slot& w) { return w.generation; });
  per_slot("pscgi_worker_rss_bytes", "Resident memory of the slot's worker, as it last read it.",
           [](const Slot& w) { return w.rss_bytes; });
  per_slot("pscgi_worker_cache_entries", "Entries in the slot's worker's cache.", [](const Slot& w) { return w.cache.entries; });
  per_slot("pscgi_worker_cache_bytes", "Bytes held by the slot's worker's cache.", [](const Slot& w) { return w.cache.bytes; });
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string render_prometheus(const MetricsSnapshot& snapshot) {
  Exposition out;
  render_pool(out, snapshot);
  render_requests(out, snapshot);
  render_cache(out, snapshot);
  render_workers(out, snapshot);
  return out.take();
}

}  // namespace pscgi::metrics
