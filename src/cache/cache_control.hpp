#pragma once
/// \file
/// The Cache-Control directives the cache acts on (RFC 9111 section 5.2), read from a response or a
/// request.

#include <pscgi/request.hpp>
#include <pscgi/response.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace pscgi::cache {

/// Directives of a response's Cache-Control headers (all of them, as one list). Unknown directives
/// are ignored. The field-name forms `private="Set-Cookie"` and `no-cache="X"` count as the plain
/// directive: the cache does not store part of a response, so it does not store it at all.
struct ResponseCacheControl {
  bool is_private = false;
  bool no_store = false;
  bool no_cache = false;
  /// must-revalidate or proxy-revalidate: an expired copy must not be served, even on error.
  bool must_revalidate = false;
  /// A max-age or s-maxage with a value that is not delta-seconds reads as 0 (stale), as RFC 9111
  /// section 1.2.2 asks; a value too large to represent reads as 2^31 seconds. When a directive
  /// appears more than once, the smallest value wins.
  std::optional<std::chrono::seconds> max_age;
  std::optional<std::chrono::seconds> s_maxage;
};

ResponseCacheControl parse_response_cache_control(const Response& response);

/// Reads delta-seconds (digits, optionally in quotes). nullopt when it is not a number.
std::optional<std::chrono::seconds> parse_delta_seconds(std::string_view value) noexcept;

/// True when the request says `Cache-Control: no-cache` or `Pragma: no-cache` (the client wants a
/// fresh answer). Whether the cache listens is CacheSettings::honor_request_no_cache.
bool request_says_no_cache(const Request& request) noexcept;

}  // namespace pscgi::cache
