#pragma once
// Reads YAML text into a Config by walking it with the settings table: each key is looked up in
// the table (unknown keys are errors, with a suggestion), each value is checked by its entry, then
// the rules between settings are checked. Every error is a ConfigError naming file, line and key.

#include "config/config.hpp"
#include "config/field.hpp"

#include <map>
#include <string>

namespace pscgi::config {

struct LoadedConfig {
  Config config;
  std::map<std::string, Position> positions;  ///< every key the text gives, by full path
};

/// Parses and checks `text`; `source` names it in messages. Throws ConfigError.
LoadedConfig load_yaml(const std::string& text, const std::string& source);

/// Edit distance between two names, for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace pscgi::config
