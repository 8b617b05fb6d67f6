#pragma once
// A made-up snapshot for the renderers' tests: two live workers (slots 1 and 3) and the totals of
// workers that have gone (one from slot 2, which is empty now).

#include "metrics/snapshot.hpp"

#include <chrono>

namespace pscgi::metrics::testing {

using namespace std::chrono_literals;

inline MetricsSnapshot sample_snapshot() {
  MetricsSnapshot s;
  s.pool.started = Clock::time_point(100s);
  s.taken_at = Clock::time_point(112500ms);
  s.pool.master_pid = 4000;
  s.pool.generation = 2;
  s.pool.requests = 30;
  s.pool.cache = {10, 4, 6, 2, 5, 1, 0, 0};
  s.pool.durations.counts[0] = 25;  // <= 0.5 ms
  s.pool.durations.counts[14] = 5;  // > 10 s
  s.pool.durations.sum_ns = 60'000'000'000;
  s.pool.exits[static_cast<std::size_t>(process::ExitReason::max_requests)] = 3;
  s.pool.exits[static_cast<std::size_t>(process::ExitReason::timeout)] = 1;
  s.pool.slot_requests = {20, 10, 0, 0};

  process::SlotSnapshot handling;
  handling.slot = 1;
  handling.pid = 4001;
  handling.generation = 2;
  handling.lifecycle = process::Lifecycle::serving;
  handling.activity = process::Activity::handling;
  handling.requests = 7;
  handling.request = "GET /x?y";
  handling.request_started = Clock::time_point(112250ms);
  handling.cache = {3, 1, 2, 0, 2, 0, 2, 4096};
  handling.rss_bytes = 10'000'000;
  handling.durations.counts[1] = 6;  // (0.5 ms, 1 ms]
  handling.durations.sum_ns = 4'800'000;

  process::SlotSnapshot idle;
  idle.slot = 3;
  idle.pid = 4003;
  idle.generation = 1;
  idle.lifecycle = process::Lifecycle::serving;
  idle.activity = process::Activity::idle;
  idle.requests = 2;
  idle.request = "GET /old";
  idle.rss_bytes = 5'000'000;
  idle.durations.counts[0] = 2;
  idle.durations.sum_ns = 200'000;

  s.workers = {handling, idle};
  return s;
}

}  // namespace pscgi::metrics::testing
