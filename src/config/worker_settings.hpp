#pragma once
// The `workers:` part of the settings table: the pool (fixed or adaptive), each worker's limits,
// and the rules between them. docs/operations.md, "The process lifecycle", tells what the master
// does with them.

#include "config/settings.hpp"

#include <vector>

namespace pscgi::config {

/// The `workers` section followed by its keys, in the order of the reference.
std::vector<Setting> worker_settings();

/// The rules between `workers` keys: `count` and `min` exclude each other; `min`, `count` and
/// `spare` stay below `max`.
std::vector<Relation> worker_relations();

}  // namespace pscgi::config
