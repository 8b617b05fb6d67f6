#include "config/worker_settings.hpp"

#include "config/setting_kinds.hpp"
#include "config/units.hpp"

#include <fmt/format.h>

#include <chrono>

namespace pscgi::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr int kMostWorkers = WorkerSettings::most_workers;

std::vector<Setting> pool_settings() {
  Setting count = integer_setting(
      "workers.count", [](auto& c) -> auto& { return c.workers.count; }, 1, kMostWorkers,
      "Number of workers of a fixed pool. The master keeps it there, replacing a worker that exits; "
      "`SIGTTIN` and `SIGTTOU` change it by one, from 1 to `workers.max`. A start: the number of CPU "
      "cores, more when the app spends its time waiting on other servers. Cannot be given with "
      "`workers.min`, which makes the pool adaptive instead.");
  // An adaptive pool has no count; printing one would make the output contradict itself.
  count.shown = [](const Config& c) { return !c.workers.adaptive(); };
  return {
      std::move(count),
      optional_integer_setting(
          "workers.min", [](auto& c) -> auto& { return c.workers.min; }, 1, kMostWorkers,
          "a fixed pool of `count` workers",
          "Makes the pool adaptive: it starts with `min` workers, and the master adds workers when they "
          "are all busy and retires idle ones (`spare`, `spawn_interval`, `idle_timeout`), never fewer than "
          "`min` nor more than `max`. `SIGTTIN` and `SIGTTOU` move it within the same bounds. "
          "`workers.count` and `workers.min` are mutually exclusive."),
      optional_integer_setting(
          "workers.max", [](auto& c) -> auto& { return c.workers.max; }, 1, kMostWorkers,
          fmt::format("4 × `count`, or 4 × `min` for an adaptive pool, at most {}", kMostWorkers),
          "The most workers the pool may hold: the adaptive pool's ceiling, and the one `SIGTTIN` stops at "
          "for either pool. At least `count` (or `min`)."),
      integer_setting(
          "workers.spare", [](auto& c) -> auto& { return c.workers.spare; }, 0, kMostWorkers - 1,
          "Adaptive pool: idle workers kept ready for a burst. The master adds a worker as soon as all "
          "workers but at most `spare` are busy, and retires idle ones only while more than `spare` + 1 "
          "are idle. `0`: a worker is added when every worker is busy. Less than `max`; a fixed pool "
          "ignores it."),
      duration_setting(
          "workers.spawn_interval", [](auto& c) -> auto& { return c.workers.spawn_interval; }, milliseconds(1),
          minutes(10),
          "Adaptive pool: the master adds at most one worker per this interval, so a burst grows the pool "
          "step by step (`200ms`: up to five new workers a second). A fixed pool ignores it."),
      duration_setting(
          "workers.idle_timeout", [](auto& c) -> auto& { return c.workers.idle_timeout; }, milliseconds(1), hours(24),
          "Adaptive pool: when more than `spare` + 1 workers have been idle this long, the master retires "
          "one of them (gracefully, one at a time), never going below `min`. A fixed pool ignores it."),
  };
}

std::vector<Setting> recycling_settings() {
  return {
      integer_setting(
          "workers.max_requests", [](auto& c) -> auto& { return c.workers.max_requests; }, 0, 1'000'000'000,
          "A worker that has answered its budget of requests (this, plus its jitter) is due: it keeps "
          "serving while the master starts its replacement, and is retired gracefully once the "
          "replacement is ready, at most `max_recycling` at a time. This bounds slow leaks in the app. "
          "`0`: no limit."),
      integer_setting(
          "workers.max_requests_jitter", [](auto& c) -> auto& { return c.workers.max_requests_jitter; }, 0, 1'000'000,
          "Each worker's budget is drawn at random from `max_requests` to `max_requests` + this, and drawn "
          "again if another worker already holds it, so that workers started together do not become due "
          "together. The range holds this + 1 budgets: a larger pool has to share some. Ignored when "
          "`max_requests` is 0."),
      duration_setting(
          "workers.max_lifetime", [](auto& c) -> auto& { return c.workers.max_lifetime; }, Duration::zero(),
          hours(30 * 24),
          "A worker that has run this long (plus its jitter) is due, and is replaced like one that reached "
          "`max_requests`. `0`: no limit."),
      percent_setting(
          "workers.max_lifetime_jitter", [](auto& c) -> auto& { return c.workers.max_lifetime_jitter; }, 0, 100,
          "Each worker's lifetime is `max_lifetime` plus a random share of it from 0 to this percentage, so "
          "that workers started together do not become due together. Write `10%`. Ignored when "
          "`max_lifetime` is 0."),
      size_setting(
          "workers.max_rss", [](auto& c) -> auto& { return c.workers.max_rss; }, 0, 1024 * kGiB,
          "A worker whose resident memory (RSS, read from `/proc/self/statm` between requests, about once "
          "a second) exceeds this is due, and is replaced like one that reached `max_requests`. `0`: no "
          "limit."),
      integer_setting(
          "workers.max_recycling", [](auto& c) -> auto& { return c.workers.max_recycling; }, 1, 64,
          "How many due workers may be retiring at the same moment. A due worker's replacement starts "
          "first; the old worker stops accepting only once the new one is ready, so capacity never dips "
          "and the workers' caches do not all go cold together."),
      duration_setting(
          "workers.timeout", [](auto& c) -> auto& { return c.workers.timeout; }, Duration::zero(), hours(24),
          "A worker that has been handling one request for longer than this is killed (`SIGKILL`) and "
          "replaced at once; the log names the request. The web server answers that request with an "
          "error of its own (nginx: 502). The time a request takes to arrive or its answer to be written "
          "does not count. `0`: no limit."),
      duration_setting(
          "workers.graceful_timeout", [](auto& c) -> auto& { return c.workers.graceful_timeout; }, Duration::zero(),
          hours(24),
          "On a graceful stop, a reload or a retirement, how long a worker may take to finish what it has "
          "before the master kills it. `0`: kill at once."),
  };
}

std::string effective_max(const WorkerSettings& workers) {
  if (workers.max) return fmt::format("workers.max ({})", *workers.max);
  return fmt::format("workers.max ({}, from 4 × workers.{} as it is unset)", workers.max_workers(),
                     workers.adaptive() ? "min" : "count");
}

}  // namespace

std::vector<Setting> worker_settings() {
  std::vector<Setting> table{
      section_setting("workers",
                      "The worker processes the master forks. Each worker is one thread that runs one request at a "
                      "time; connections whose request is still arriving wait parked meanwhile, so a slow client "
                      "does not hold a worker. The pool is fixed (`count` workers) or adaptive (`min` instead of "
                      "`count`: from `min` to `max` workers, following the load). A worker that reaches a limit "
                      "is replaced before it is retired. docs/operations.md, \"The process lifecycle\", tells "
                      "how the master runs the pool."),
  };
  for (auto part : {pool_settings, recycling_settings}) {
    for (auto& setting : part()) table.push_back(std::move(setting));
  }
  return table;
}

std::vector<Relation> worker_relations() {
  return {
      {"workers.count", "workers.min",
       [](const Config& c, const GivenKeys& given) -> std::optional<std::string> {
         if (!given("workers.count") || !c.workers.min) return std::nullopt;
         return "workers.count and workers.min are mutually exclusive: count makes a fixed pool, min an "
                "adaptive one; give one of them";
       }},
      {"workers.min", "workers.max",
       [](const Config& c, const GivenKeys&) -> std::optional<std::string> {
         if (!c.workers.min || !c.workers.max || *c.workers.min <= *c.workers.max) return std::nullopt;
         return fmt::format("workers.min ({}) is larger than workers.max ({})", *c.workers.min, *c.workers.max);
       }},
      {"workers.count", "workers.max",
       [](const Config& c, const GivenKeys&) -> std::optional<std::string> {
         if (c.workers.adaptive() || !c.workers.max || c.workers.count <= *c.workers.max) return std::nullopt;
         return fmt::format("workers.count ({}) is larger than workers.max ({}), the most workers SIGTTIN grows the "
                            "pool to",
                            c.workers.count, *c.workers.max);
       }},
      {"workers.spare", "workers.max",
       [](const Config& c, const GivenKeys&) -> std::optional<std::string> {
         if (c.workers.spare < c.workers.max_workers()) return std::nullopt;
         return fmt::format("workers.spare ({}) must be less than {}", c.workers.spare, effective_max(c.workers));
       }},
  };
}

}  // namespace pscgi::config
