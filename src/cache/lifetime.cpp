#include "cache/lifetime.hpp"

#include <algorithm>
#include <cmath>

namespace pscgi::cache {
namespace {

using std::chrono::duration_cast;

Lifetime from_expires(std::string_view expires_text, const Response& response, WallClock::time_point wall_now) {
  const std::optional<WallClock::time_point> expires = parse_http_date(expires_text);
  if (!expires) return {config::Duration::zero(), LifetimeSource::expires};
  // Date is when the application made the response: Expires - Date is the lifetime the application
  // meant, whatever the clock of this machine says.
  std::optional<WallClock::time_point> date;
  if (auto date_text = response.header("Date")) date = parse_http_date(*date_text);
  return {duration_cast<config::Duration>(*expires - date.value_or(wall_now)), LifetimeSource::expires};
}

Lifetime uncapped_lifetime(const Response& response, const ResponseCacheControl& cache_control,
                           const config::CacheSettings& settings, WallClock::time_point wall_now) {
  if (cache_control.s_maxage) return {*cache_control.s_maxage, LifetimeSource::s_maxage};
  if (cache_control.max_age) return {*cache_control.max_age, LifetimeSource::max_age};
  if (auto expires = response.header("Expires")) return from_expires(*expires, response, wall_now);
  if (auto lifetime = response.lifetime()) return {*lifetime, LifetimeSource::application};
  return {settings.ttl, LifetimeSource::settings};
}

}  // namespace

Lifetime freshness_lifetime(const Response& response, const ResponseCacheControl& cache_control,
                            const config::CacheSettings& settings, WallClock::time_point wall_now) {
  Lifetime lifetime = uncapped_lifetime(response, cache_control, settings, wall_now);
  lifetime.value = std::min(lifetime.value, settings.max_ttl);
  return lifetime;
}

config::Duration apply_jitter(config::Duration lifetime, double fraction) noexcept {
  if (!(fraction > 0.0) || lifetime <= config::Duration::zero()) return lifetime;  // also catches NaN
  fraction = std::min(fraction, 1.0);
  // Rounding the cut down keeps the result at or above lifetime * (1 - fraction).
  const auto cut = static_cast<config::Duration::rep>(std::floor(static_cast<double>(lifetime.count()) * fraction));
  return lifetime - config::Duration(std::clamp<config::Duration::rep>(cut, 0, lifetime.count()));
}

}  // namespace pscgi::cache
