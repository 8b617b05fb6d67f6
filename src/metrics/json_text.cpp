#include "metrics/json_text.hpp"

#include <nlohmann/json.hpp>

namespace pscgi::metrics {
namespace {

using nlohmann::json;

json cache_json(const process::CacheTally& c) {
  return {{"lookups", c.lookups}, {"hits", c.hits},         {"misses", c.misses},   {"bypasses", c.bypasses},
          {"stores", c.stores},   {"evictions", c.evictions}, {"entries", c.entries}, {"bytes", c.bytes}};
}

json worker_json(const MetricsSnapshot& s, const process::SlotSnapshot& w) {
  const std::optional<double> running = s.request_seconds(w);
  return {{"slot", w.slot},
          {"pid", w.pid},
          {"generation", w.generation},
          {"state", state_of(w)},
          {"requests", w.requests},
          {"request", running ? json(w.request) : json(nullptr)},
          {"request_seconds", running ? json(*running) : json(nullptr)},
          {"cache", cache_json(w.cache)},
          {"rss_bytes", w.rss_bytes}};
}

json totals_json(const MetricsSnapshot& s) {
  json states = json::object();
  const auto by_state = s.workers_by_state();
  for (std::size_t i = 0; i < worker_states.size(); ++i) {
    if (by_state[i] != 0) states[std::string(worker_states[i])] = by_state[i];
  }
  json exits = json::object();
  for (std::size_t i = 1; i < process::exit_reason_count; ++i) {
    if (s.pool.exits[i] != 0) exits[std::string(process::exit_reason_name(static_cast<process::ExitReason>(i)))] = s.pool.exits[i];
  }
  return {{"requests", s.total_requests()},
          {"workers", s.workers.size()},
          {"states", std::move(states)},
          {"cache", cache_json(s.total_cache())},
          {"rss_bytes", s.total_rss()},
          {"exits", std::move(exits)}};
}

}  // namespace

std::string render_json(const MetricsSnapshot& snapshot) {
  json workers = json::array();
  for (const process::SlotSnapshot& w : snapshot.workers) workers.push_back(worker_json(snapshot, w));
  const json document = {{"server",
                          {{"master_pid", snapshot.pool.master_pid},
                           {"generation", snapshot.pool.generation},
                           {"up_seconds", snapshot.up_seconds()},
                           {"version", PSCGI_VERSION}}},
                         {"workers", std::move(workers)},
                         {"totals", totals_json(snapshot)}};
  // Escaped rather than thrown on: the request text is escaped already, but a reader must never fail.
  return document.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace pscgi::metrics
