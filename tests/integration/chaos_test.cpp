// Chaos under load, through real nginx: while clients keep asking, a random worker is killed every
// second; the server is reloaded every few seconds; the pool flaps up and down; the cache is filled
// past its byte limit with large pages; the app throws on one request in ten. Only requests inside
// a killed worker may fail. After each case: no zombie, no worker outlives the master, the master
// holds the descriptors it held before, and a recycled pool is back to a fresh worker's memory.
// Each case prints one line of figures (docs/reliability.md shows them).

#include "chaos_run.hpp"
#include "lifecycle/lifecycle_support.hpp"
#include "process_figures.hpp"
#include "worker_titles.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <iostream>
#include <random>

namespace pscgi::testing {
namespace {

using Clock = std::chrono::steady_clock;

// A worker younger than workers.min_uptime (2 s) that dies counts as failing at start, and the
// master backs off before replacing it; the test kills only older ones, so that what it measures
// is the loss of a serving worker, not the crash-loop brake.
constexpr auto old_enough = 2500ms;
// Above a fresh worker's memory after recycling: allocator slack and lazily touched pages.
constexpr long rss_slack_kib = 4096;
constexpr std::size_t cache_max_bytes = 4 * 1024 * 1024;

std::string chaos_config(const std::string& workers, const std::string& rest = "cache: { enabled: false }\n") {
  return "listen: unix:{socket}\n"
         "socket_mode: \"0666\"\n"
         "workers: { " + workers + " }\n"
         "log: { level: info, error_log: stderr, access_log: off }\n" + rest;
}

const std::string fixed_pool = "count: 3, max_requests: 0, graceful_timeout: 10s";

// /hello and a page of 20 ms of CPU, so that a worker is often inside a request when it is hit.
ChaosTraffic mixed_pages() {
  return {[](long n) { return n % 2 == 0 ? std::string("/hello") : std::string("/work?ms=20&kb=8"); }};
}

void expect_clean_aftermath(const ChaosFigures& f, long allowed_failures, const std::string& details) {
  EXPECT_LE(f.failed, allowed_failures) << details;
  EXPECT_GT(f.sent - f.failed, 0) << details;
  EXPECT_TRUE(f.recycled && f.master_exited) << f.trouble;
  EXPECT_EQ(f.zombies, 0);
  EXPECT_EQ(f.orphans, 0);
  EXPECT_EQ(f.master_fds_after, f.master_fds_before) << "the master's descriptors before and after";
  EXPECT_LE(f.worker_rss_after, f.worker_rss_before + rss_slack_kib) << "a recycled worker's memory";
}

TEST(ChaosTest, AWorkerKilledEverySecondCostsOnlyTheRequestsInsideIt) {
  ChaosRun run("kill -9", chaos_config(fixed_pool), mixed_pages());
  std::mt19937 random(std::random_device{}());
  std::vector<pid_t> victims;
  int unreaped = 0;
  int skipped = 0;
  run.disturb_for(1000ms, [&](int) {
    // The previous victim had a second to be reaped: still in /proc means a zombie.
    if (!victims.empty() && in_proc(victims.back())) ++unreaped;
    std::vector<pid_t> eligible;
    for (const auto& [pid, seen] : run.workers_first_seen()) {
      if (Clock::now() - seen >= old_enough) eligible.push_back(pid);
    }
    if (eligible.empty()) {
      ++skipped;
      return;
    }
    const pid_t victim = eligible[std::uniform_int_distribution<std::size_t>(0, eligible.size() - 1)(random)];
    if (::kill(victim, SIGKILL) == 0) victims.push_back(victim);
  });
  // The last death may still be on its way to the log.
  wait_until([&] { return count_occurrences(run.server().log(), "exited: crash") >= static_cast<int>(victims.size()); }, 5s);
  const std::string log = run.server().log();
  const std::string report = run.failure_report();
  const ChaosFigures f = run.finish(std::to_string(victims.size()) + " workers killed (" + std::to_string(skipped) +
                                    " ticks with none old enough)");
  // A client has one request in flight at a time: a killed worker held at most one per client.
  const long allowed = static_cast<long>(victims.size()) * ChaosRun::clients;
  expect_clean_aftermath(f, allowed, report);
  EXPECT_GE(static_cast<long>(victims.size()), static_cast<long>(chaos_duration().count() / 2)) << "too few kills to mean anything";
  EXPECT_EQ(unreaped, 0) << "victims still in /proc a second after their death";
  EXPECT_EQ(count_occurrences(log, "exited: crash"), static_cast<int>(victims.size())) << lines_with(log, "exited:");
  for (const auto& [why, count] : f.why) EXPECT_TRUE(why == "502" || why == "no answer") << why << " ×" << count;
}

TEST(ChaosTest, ASighupEveryThreeSecondsLosesNothing) {
  ChaosRun run("SIGHUP", chaos_config(fixed_pool), mixed_pages());
  int reloads = 0;
  run.disturb_for(3000ms, [&](int) {
    run.server().signal(SIGHUP);
    ++reloads;
  });
  wait_until([&] { return count_occurrences(run.server().log(), "SIGHUP: reloaded ") >= reloads; }, 5s);
  const std::string log = run.server().log();
  const std::string report = run.failure_report();
  const ChaosFigures f = run.finish(std::to_string(reloads) + " reloads");
  expect_clean_aftermath(f, 0, report);
  EXPECT_EQ(count_occurrences(log, "SIGHUP: reloaded "), reloads) << lines_with(log, "SIGHUP");
  EXPECT_EQ(count_occurrences(log, "exited: crash"), 0) << lines_with(log, "exited:");
}

TEST(ChaosTest, TtinAndTtouFlappingLosesNothing) {
  ChaosRun run("TTIN/TTOU", chaos_config("count: 3, max: 6, max_requests: 0, graceful_timeout: 10s"), mixed_pages());
  int signals = 0;
  // Up, up, down, down: the pool moves between 3 and 5 workers, a step every half second.
  run.disturb_for(500ms, [&](int tick) {
    run.server().signal(tick % 4 < 2 ? SIGTTIN : SIGTTOU);
    ++signals;
  });
  // Back to three, one step at a time (two signals of a kind sent at once may merge).
  auto target = [&] {
    const std::string log = run.server().log();
    return ChaosRun::workers + count_occurrences(log, "SIGTTIN: pool grows to") - count_occurrences(log, "SIGTTOU: pool shrinks to");
  };
  wait_until([&] { return count_occurrences(run.server().log(), "SIGTT") >= signals; }, 5s);
  while (target() > ChaosRun::workers) {
    const int before = target();
    run.server().signal(SIGTTOU);
    ASSERT_TRUE(wait_until([&] { return target() < before; }, 5s)) << lines_with(run.server().log(), "SIGTT");
  }
  const std::string log = run.server().log();
  const std::string report = run.failure_report();
  const ChaosFigures f = run.finish(std::to_string(signals) + " signals");
  expect_clean_aftermath(f, 0, report);
  EXPECT_EQ(count_occurrences(log, "exited: crash"), 0) << lines_with(log, "exited:");
  EXPECT_GT(count_occurrences(log, "exited: scale_down"), 0) << lines_with(log, "SIGTT");
}

// The largest cache of any worker now, and the evictions so far, from the metrics JSON.
std::pair<std::uint64_t, std::uint64_t> cache_bytes_and_evictions(const Server& server) {
  const Reply reply = scgi_get(server.socket(), "/_pscgi/metrics.json");
  if (reply.status != 200) return {0, 0};
  const nlohmann::json document = nlohmann::json::parse(reply.body);
  std::uint64_t largest = 0;
  for (const auto& worker : document.at("workers")) largest = std::max(largest, worker.at("cache").at("bytes").get<std::uint64_t>());
  return {largest, document.at("totals").at("cache").at("evictions").get<std::uint64_t>()};
}

TEST(ChaosTest, ACacheFilledPastItsByteLimitStaysWithinIt) {
  // 48 pages of 512 KiB (24 MiB) through caches of 4 MiB each: every worker fills its cache and evicts.
  ChaosRun run("cache full", chaos_config(fixed_pool,
                                          "pipeline: [access_log, metrics, conditional, cache]\n"
                                          "metrics: { path: /_pscgi/metrics }\n"
                                          "cache: { max_bytes: 4MiB, max_object_bytes: 1MiB, ttl: 60s, ttl_jitter: 0 }\n"),
               {[](long n) { return "/work?kb=512&page=" + std::to_string(n % 48); }});
  std::uint64_t largest = 0;
  std::uint64_t evictions = 0;
  run.disturb_for(1000ms, [&](int) {
    const auto [bytes, evicted] = cache_bytes_and_evictions(run.server());
    largest = std::max(largest, bytes);
    evictions = std::max(evictions, evicted);
  });
  const std::string report = run.failure_report();
  const ChaosFigures f = run.finish("largest cache " + std::to_string(largest / 1024) + " KiB of 4096, " +
                                    std::to_string(evictions) + " evictions");
  expect_clean_aftermath(f, 0, report);
  EXPECT_LE(largest, cache_max_bytes);
  EXPECT_GE(largest, cache_max_bytes / 2) << "the cache never filled";
  EXPECT_GT(evictions, 0u);
  // A worker holds its cache, one page being rendered and one being sent, with the copies on the
  // way out: bounded by the cache's limit plus a few pages, not by the pages asked for (24 MiB).
  if (!built_with_address_sanitizer) {
    EXPECT_LE(f.worker_rss_peak, f.worker_rss_before + static_cast<long>(cache_max_bytes / 1024) + 8 * 512 + rss_slack_kib);
  }
}

TEST(ChaosTest, AnAppThrowingOnOneRequestInTenCostsOnlyThoseRequests) {
  const auto raises = [](long n) { return n % 10 == 0; };
  ChaosRun run("app throws", chaos_config(fixed_pool),
               {[&](long n) { return raises(n) ? std::string("/respond?raise=1") : n % 2 ? std::string("/hello") : std::string("/work?ms=5&kb=8"); },
                [](const std::string& target) { return target == "/respond?raise=1" ? 500 : 200; }});
  const std::vector<pid_t> workers = run.server().worker_pids();
  run.disturb_for(1000ms, [](int) {});
  const std::string log = run.server().log();
  const std::string report = run.failure_report();
  EXPECT_EQ(run.server().worker_pids(), workers) << "a worker was replaced";
  const ChaosFigures f = run.finish("1 request in 10 throws");
  // Every request was answered as asked: 500 for each that threw, 200 for the rest.
  expect_clean_aftermath(f, 0, report);
  EXPECT_GE(count_occurrences(log, "/respond was asked to fail"), f.sent / 10) << "each throw is logged";
  EXPECT_EQ(count_occurrences(log, "exited:"), 0) << lines_with(log, "exited:");
}

}  // namespace
}  // namespace pscgi::testing
