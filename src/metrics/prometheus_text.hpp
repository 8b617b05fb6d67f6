#pragma once
// The Prometheus text exposition format, version 0.0.4: every family with its HELP and TYPE lines,
// one series per label set, base units (seconds, bytes), counters ending in _total.

#include "metrics/snapshot.hpp"

#include <string>
#include <string_view>

namespace pscgi::metrics {

inline constexpr std::string_view prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

std::string render_prometheus(const MetricsSnapshot& snapshot);

/// A label value with `\`, `"` and newlines escaped as the format wants.
std::string escape_label_value(std::string_view value);

}  // namespace pscgi::metrics
