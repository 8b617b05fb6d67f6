#pragma once
// What the server's own stages tell each other about one exchange, kept out of the public header:
// an application author neither sees nor sets it. include/pscgi/exchange.hpp only declares the types
// and holds the storage; this header defines them.

#include <pscgi/exchange.hpp>

#include <cstdint>
#include <string_view>

namespace pscgi::pipeline {

/// What the cache stage did with a request. Its two passes share it: on_response stores only after a
/// miss. The access log prints its name (to_string).
enum class CacheOutcome : std::uint8_t {
  none = 0,  ///< no cache stage ran, or it is disabled ("-"); the value an Exchange starts with
  bypass,    ///< the request went past the cache (method, Authorization, Cookie, no-cache)
  hit,       ///< answered from a fresh entry
  miss,      ///< passed on to the application; its response was not stored
  stored,    ///< passed on to the application; its response was stored
  stale,     ///< the application failed and an expired entry answered (stale-if-error)
};

/// The word the access log prints: "-", "bypass", "hit", "miss", "stored" or "stale".
std::string_view to_string(CacheOutcome outcome) noexcept;

/// The only way in to Exchange's internal state.
struct ExchangeInternals {
  static CacheOutcome cache_outcome(const Exchange& exchange) noexcept { return exchange.cache_outcome_; }
  static void set_cache_outcome(Exchange& exchange, CacheOutcome outcome) noexcept {
    exchange.cache_outcome_ = outcome;
  }
};

inline CacheOutcome cache_outcome(const Exchange& exchange) noexcept {
  return ExchangeInternals::cache_outcome(exchange);
}
inline void set_cache_outcome(Exchange& exchange, CacheOutcome outcome) noexcept {
  ExchangeInternals::set_cache_outcome(exchange, outcome);
}

}  // namespace pscgi::pipeline
