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

namespace pscgi::pipeline {

void add_outer_cache_header(Exchange& exchange) {
  const OuterVerdict verdict = outer_verdict(exchange);
  if (verdict.keep_until == OuterVerdict::none) return;
  const bool derived = !exchange.response || exchange.response.get() != verdict.answer ||
                       exchange.original_request().method() == "HEAD";
  // The absolute form: nginx serves the entry while its clock's second is at most this one.
  std::string value = "0";
  if (verdict.keep_until != OuterVerdict::dont_keep && !derived) value = "@" + std::to_string(verdict.keep_until);
  exchange.extra_headers.push_back({std::string(outer_cache_header), std::move(value)});
}

}  // namespace pscgi::pipeline
