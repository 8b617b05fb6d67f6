#include "pipeline/exchange_internals.hpp"

namespace pscgi::pipeline {

std::string_view to_string(CacheOutcome outcome) noexcept {
  switch (outcome) {
    case CacheOutcome::none: return "-";
    case CacheOutcome::bypass: return "bypass";
    case CacheOutcome::hit: return "hit";
    case CacheOutcome::miss: return "miss";
    case CacheOutcome::stored: return "stored";
    case CacheOutcome::stale: return "stale";
  }
  return "?";  // only a value cast from outside the enumerators gets here
}

}  // namespace pscgi::pipeline
