#pragma once
// The `metrics` stage: answers `metrics.path` (Prometheus text) and `metrics.path` + ".json" from
// the scoreboard, before the cache ever sees them; every other request passes on after one string
// comparison. A client whose REMOTE_ADDR is not in `metrics.allow` gets 403 and a warning line.

#include "config/config.hpp"
#include "pipeline/stage_registry.hpp"

#include <pscgi/stage.hpp>

namespace pscgi::metrics {

/// The stage for `config.metrics`, or nullptr when `metrics` is not configured: the pipeline then
/// has no metrics stage at all (build_pipeline skips a factory's nullptr). `metrics.allow` is
/// parsed here, once, in the master. Without a scoreboard (--check-config builds the pipeline
/// without one) the stage answers its paths with 503.
StagePtr make_metrics_stage(const config::Config& config, const pipeline::StageDependencies& dependencies);

}  // namespace pscgi::metrics
