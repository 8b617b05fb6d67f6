#pragma once
/// \file
/// How long an outer cache in front of pscgi (nginx's scgi_cache) may keep an answer, when
/// `cache.outer` is on (docs/cache.md, "Two cache levels").
///
/// nginx reads `X-Accel-Expires` in whole seconds of its own clock. A relative `N` keeps an entry
/// until the end of the second N seconds from now: up to N + 1 seconds, longer than pscgi allowed.
/// The absolute form `@V` keeps it while nginx's clock reads second V or earlier, so pscgi picks the
/// last V that ends before its own limit, and the outer cache never serves an answer past it.

#include "cache/http_date.hpp"

#include <chrono>
#include <cstdint>

namespace pscgi::cache {

/// The last whole second (Unix time) an outer cache may serve an answer that may be kept for
/// `keep_for` from `wall_now`: the second that ends at or before wall_now + keep_for. 0
/// (pipeline::OuterVerdict::dont_keep) when even the current second ends later than that.
std::int64_t outer_keep_until(WallClock::time_point wall_now, std::chrono::milliseconds keep_for) noexcept;

}  // namespace pscgi::cache
