#pragma once
/// \file
/// How long a stored response stays fresh (RFC 9111 section 4.2.1, simplified for a cache that sits
/// inside the origin server), and the per-entry jitter.

#include "cache/cache_control.hpp"
#include "cache/http_date.hpp"
#include "config/config.hpp"

#include <pscgi/response.hpp>

#include <cstdint>

namespace pscgi::cache {

/// Which rule gave the lifetime, in order of precedence.
enum class LifetimeSource : std::uint8_t {
  s_maxage,     ///< Cache-Control: s-maxage (we are a shared cache)
  max_age,      ///< Cache-Control: max-age
  expires,      ///< Expires, minus Date when the response has a valid one, else minus now
  application,  ///< ResponseBuilder::cache_for
  settings,     ///< CacheSettings::ttl
};

struct Lifetime {
  config::Duration value{0};  ///< already capped by max_ttl; <= 0 means "do not store"
  LifetimeSource source = LifetimeSource::settings;
};

/// The freshness lifetime of `response`: the first rule of LifetimeSource that applies, capped by
/// settings.max_ttl. An Expires that is not a valid HTTP-date means "already expired" (lifetime 0),
/// as RFC 9111 section 5.3 asks. `wall_now` is only used for an Expires without a Date.
Lifetime freshness_lifetime(const Response& response, const ResponseCacheControl& cache_control,
                            const config::CacheSettings& settings, WallClock::time_point wall_now);

/// `lifetime` cut by `fraction` of itself (fraction is clamped to [0, 1]); the result is never below
/// lifetime * (1 - fraction) nor above lifetime.
config::Duration apply_jitter(config::Duration lifetime, double fraction) noexcept;

}  // namespace pscgi::cache
