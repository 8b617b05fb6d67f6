#pragma once
// The metrics as JSON (`<metrics.path>.json`), for `pscgi status` and scripts. The shape is a
// contract with `pscgi status` (docs/operations.md, "Metrics"): field names do not change.

#include "metrics/snapshot.hpp"

#include <string>
#include <string_view>

namespace pscgi::metrics {

inline constexpr std::string_view json_content_type = "application/json";

std::string render_json(const MetricsSnapshot& snapshot);

}  // namespace pscgi::metrics
