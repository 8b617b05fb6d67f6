#pragma once
// The `metrics:` part of the settings table. The section is optional as a whole: giving it (even
// as `metrics: {}`) turns the metrics on with these defaults; leaving it out leaves them off, and
// describe_config() then leaves it out too, so its output loads back the same.

#include "config/settings.hpp"

#include <vector>

namespace pscgi::config {

/// The `metrics` section followed by its keys.
std::vector<Setting> metrics_settings();

/// `metrics` needs the `metrics` stage in `pipeline`, ahead of `cache`.
std::vector<Relation> metrics_relations();

}  // namespace pscgi::config
