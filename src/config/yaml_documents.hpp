#pragma once
// Where the second YAML document of a text starts, found without YAML::LoadAll: yaml-cpp 0.7's
// LoadAll never returns for a document that starts with a stray ',' (found by config_loader_fuzz:
// a config file holding just "," hung `pscgi --check-config`), because its parser reports an empty
// document there again and again without moving on.

#include <yaml-cpp/mark.h>

#include <optional>
#include <string>

namespace pscgi::config {

struct SecondDocument {
  YAML::Mark mark;      ///< where its first node starts (else the document)
  bool stuck = false;   ///< the parser did not move: the same spot as the first (a stray ',' or the like)
};

/// Reads at most two documents' events. Throws YAML::ParserException for a syntax error.
std::optional<SecondDocument> find_second_document(const std::string& text);

}  // namespace pscgi::config
