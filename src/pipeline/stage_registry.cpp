#include "pipeline/stage_registry.hpp"

#include "cache/cache_stage.hpp"
#include "cache/conditional_stage.hpp"
#include "metrics/metrics_stage.hpp"
#include "pipeline/access_log_stage.hpp"

#include <algorithm>

namespace pscgi::pipeline {
namespace {

// Constant-initialised, so a Config built during static initialisation can read it.
constexpr StageEntry entries[] = {
    {"access_log", "writes one line per request to `log.access_log`",
     [](const config::Config&, const StageDependencies&) { return make_access_log_stage(); }},
    // After access_log, so scrapes are logged; before the cache, which must never see them. Absent
    // from the built pipeline when `metrics` is not configured (its factory makes nothing).
    {"metrics", "answers `metrics.path` from the scoreboard when `metrics` is configured (else it is left out)",
     [](const config::Config& config, const StageDependencies& dependencies) {
       return metrics::make_metrics_stage(config, dependencies);
     }},
    // Before the cache: inside it, conditional would hand it 304s to store.
    {"conditional", "answers `If-None-Match` and `If-Modified-Since` with 304 Not Modified",
     [](const config::Config&, const StageDependencies&) { return cache::make_conditional_stage(); }},
    {"cache", "is the response cache configured under `cache`",
     [](const config::Config& config, const StageDependencies& dependencies) {
       return cache::make_cache_stage(config.cache, config.workers, dependencies.cache_generation,
                                      dependencies.scoreboard);
     }},
};

}  // namespace

std::span<const StageEntry> stage_registry() noexcept { return entries; }

const StageEntry* find_stage(std::string_view name) noexcept {
  const auto found = std::find_if(std::begin(entries), std::end(entries), [&](const StageEntry& e) { return e.name == name; });
  return found == std::end(entries) ? nullptr : &*found;
}

}  // namespace pscgi::pipeline
