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

/// What an outer cache in front of pscgi (nginx's scgi_cache) may do with one answer, as the cache
/// stage decided it when `cache.outer` is on (docs/cache.md, "Two cache levels").
struct OuterVerdict {
  static constexpr std::int64_t none = -1;     ///< no verdict: no header is sent
  static constexpr std::int64_t dont_keep = 0;  ///< the outer cache must not store the answer
  /// `none`, `dont_keep`, or the last whole second (Unix time) the outer cache may serve `answer`.
  std::int64_t keep_until = none;
  /// The answer the verdict is about. Any other answer that goes out (a 304 built on the way out)
  /// was derived for this request alone, and must not be kept.
  const Response* answer = nullptr;
};

/// The only way in to Exchange's internal state.
struct ExchangeInternals {
  static CacheOutcome cache_outcome(const Exchange& exchange) noexcept { return exchange.cache_outcome_; }
  static void set_cache_outcome(Exchange& exchange, CacheOutcome outcome) noexcept {
    exchange.cache_outcome_ = outcome;
  }
  static OuterVerdict outer_verdict(const Exchange& exchange) noexcept {
    return {exchange.outer_keep_until_, exchange.outer_answer_};
  }
  static void set_outer_verdict(Exchange& exchange, OuterVerdict verdict) noexcept {
    exchange.outer_keep_until_ = verdict.keep_until;
    exchange.outer_answer_ = verdict.answer;
  }
};

inline CacheOutcome cache_outcome(const Exchange& exchange) noexcept {
  return ExchangeInternals::cache_outcome(exchange);
}
inline void set_cache_outcome(Exchange& exchange, CacheOutcome outcome) noexcept {
  ExchangeInternals::set_cache_outcome(exchange, outcome);
}

inline OuterVerdict outer_verdict(const Exchange& exchange) noexcept {
  return ExchangeInternals::outer_verdict(exchange);
}
inline void set_outer_verdict(Exchange& exchange, OuterVerdict verdict) noexcept {
  ExchangeInternals::set_outer_verdict(exchange, verdict);
}

/// The header that carries the verdict to nginx: nginx reads it, acts on it and never passes it on.
inline constexpr std::string_view outer_cache_header = "X-Accel-Expires";

/// Adds `X-Accel-Expires` to exchange.extra_headers from the verdict, once every stage is done with
/// the answer: nothing without a verdict; `0` when the verdict says so, when the answer going out is
/// not the one the verdict is about (a 304 made for this request), or when the client asked HEAD
/// (its answer has no body, and an outer cache that kept it would serve an empty page to a GET);
/// `@<second>` otherwise. Pipeline::run calls it last.
void add_outer_cache_header(Exchange& exchange);

}  // namespace pscgi::pipeline
