#include "cache/outer_cache.hpp"

namespace pscgi::cache {
namespace {

std::int64_t whole_second(WallClock::time_point t) noexcept {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::int64_t outer_keep_until(WallClock::time_point wall_now, std::chrono::milliseconds keep_for) noexcept {
  if (keep_for <= std::chrono::milliseconds::zero()) return 0;
  // Second V lasts until V + 1: the last one that ends by the limit is the one before the limit's.
  const std::int64_t last = whole_second(wall_now + keep_for) - 1;
  return last >= whole_second(wall_now) ? last : 0;
}

}  // namespace pscgi::cache
