#pragma once
// What loading a config text says when it fails, for tests that compare error messages.

#include "config/config.hpp"

#include <string>

namespace pscgi::config::testing {

/// The ConfigError message for `text` loaded as "pscgi.yaml", or "(no error)".
inline std::string error_of(const std::string& text) {
  try {
    load_config_text(text, "pscgi.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace pscgi::config::testing
