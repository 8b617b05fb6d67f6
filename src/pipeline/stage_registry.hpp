#pragma once
// Every stage `pipeline:` can name, written once: its name, one line of documentation and its
// factory. The config loader checks names against it, docs/configuration.md describes the stages
// from it, and build_pipeline makes them with it; a stage added here is known to all three.

#include "config/config.hpp"

#include <pscgi/stage.hpp>

#include <memory>
#include <span>
#include <string_view>

namespace pscgi::cache {
class CacheGeneration;
}

namespace pscgi::process {
class Scoreboard;
}  // namespace pscgi::process

namespace pscgi::pipeline {

/// What stages need from the master besides the config.
struct StageDependencies {
  std::shared_ptr<cache::CacheGeneration> cache_generation;  ///< shared with the master (SIGUSR2)
  /// Where each worker publishes its counters (its slot is WorkerInfo::slot); null in tests.
  std::shared_ptr<process::Scoreboard> scoreboard;
};

struct StageEntry {
  std::string_view name;  ///< as written in `pipeline:`
  /// What the stage does, as the rest of a sentence that starts with its name in backquotes
  /// ("`cache` is the response cache…"), for the doc of `pipeline`.
  std::string_view doc;
  /// Makes the stage; called in the master, before fork. May return nullptr: the stage is off in
  /// this config (an optional feature whose section is absent) and the pipeline leaves it out, so
  /// requests pay nothing for it.
  StagePtr (*make)(const config::Config& config, const StageDependencies& dependencies);
};

/// Every stage, in the order of the default pipeline, which has them all.
std::span<const StageEntry> stage_registry() noexcept;

/// The entry called `name`, or nullptr.
const StageEntry* find_stage(std::string_view name) noexcept;

}  // namespace pscgi::pipeline
