#pragma once
/// \file
/// How long an outer cache in front of pscgi (nginx's scgi_cache) may keep an answer, when
/// `cache.outer` is on (docs/cache.md, "Two cache levels").
///
/// nginx keeps an entry while its clock's whole second is at most the entry's "valid" second, so
/// every lifetime it gives ends on a second boundary. Two bounds meet here:
/// - `cache.outer_max_ttl` is the operator's microcache length, counted as nginx counts
///   `scgi_cache_valid 1s` or `X-Accel-Expires: 1`: up to the end of the second N seconds after the
///   current one, so an entry lives between N and N + 1 seconds;
/// - what is left of pscgi's own lifetime, which comes from the application (`cache_for(100ms)`),
///   is never exceeded: the entry ends at the last second boundary before it.
/// The answer is sent as `@V`, the absolute second, which is the only form that can also say "until
/// the end of this very second".

#include "cache/http_date.hpp"

#include <chrono>
#include <cstdint>

namespace pscgi::cache {

/// The last whole second (Unix time) an outer cache may serve an answer that pscgi itself may still
/// serve for `left` from `wall_now`, with the operator's cap `max_ttl` (whole seconds count; a
/// fraction is dropped). 0 (pipeline::OuterVerdict::dont_keep) when even the current second ends
/// after pscgi's lifetime does.
std::int64_t outer_keep_until(WallClock::time_point wall_now, std::chrono::milliseconds left,
                              std::chrono::milliseconds max_ttl) noexcept;

}  // namespace pscgi::cache
