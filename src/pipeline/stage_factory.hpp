#pragma once
// Assembles a worker's pipeline from the config: the stages named in `pipeline:`, outermost first,
// each made by its entry in the stage registry (one whose factory makes nothing, a stage switched
// off by its config, is left out), then the application. Built once in the master,
// before fork.

#include "config/config.hpp"
#include "pipeline/stage_registry.hpp"

#include <pscgi/app.hpp>
#include <pscgi/pipeline.hpp>

namespace pscgi::pipeline {

/// Throws config::ConfigError naming the key (`app.type`, `app.<option>`, `pipeline`) when the
/// app or a stage cannot be made.
Pipeline build_pipeline(const config::Config& config, const AppRegistry& apps, const StageDependencies& dependencies);

}  // namespace pscgi::pipeline
