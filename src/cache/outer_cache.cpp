#include "cache/outer_cache.hpp"

#include <algorithm>

namespace pscgi::cache {
namespace {

std::int64_t whole_second(WallClock::time_point t) noexcept {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::int64_t outer_keep_until(WallClock::time_point wall_now, std::chrono::milliseconds left,
                              std::chrono::milliseconds max_ttl) noexcept {
  if (left <= std::chrono::milliseconds::zero()) return 0;
  const std::int64_t now = whole_second(wall_now);
  // nginx's own count: the current second, then max_ttl more.
  const std::int64_t cap = now + std::chrono::duration_cast<std::chrono::seconds>(max_ttl).count();
  // Second V lasts until V + 1: the last one that ends by pscgi's limit is the one before the limit's.
  const std::int64_t pscgi_limit = whole_second(wall_now + left) - 1;
  const std::int64_t last = std::min(cap, pscgi_limit);
  return last >= now ? last : 0;
}

}  // namespace pscgi::cache
