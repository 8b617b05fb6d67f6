#pragma once
// Assembles a worker's pipeline from the config: the stages named in `pipeline:`, outermost first,
// then the application. Built once in the master, before fork.

#include "config/config.hpp"

#include <pscgi/app.hpp>
#include <pscgi/pipeline.hpp>

#include <memory>

namespace pscgi::cache {
class CacheGeneration;
}

namespace pscgi::pipeline {

/// What stages need from the master besides the config.
struct StageDependencies {
  std::shared_ptr<cache::CacheGeneration> cache_generation;  ///< shared with the master (SIGUSR2)
};

/// Throws config::ConfigError naming the key (`app.type`, `app.<option>`, `pipeline`) when the
/// app or a stage cannot be made.
Pipeline build_pipeline(const config::Config& config, const AppRegistry& apps, const StageDependencies& dependencies);

}  // namespace pscgi::pipeline
