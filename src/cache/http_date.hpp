#pragma once
/// \file
/// HTTP dates (RFC 9110 section 5.6.7): Date, Expires, Last-Modified, If-Modified-Since.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pscgi::cache {

using WallClock = std::chrono::system_clock;

/// Parses an HTTP-date in any of the three forms a recipient must accept: IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`,
/// two-digit years read as 1970..2069) and asctime (`Sun Nov  6 08:49:37 1994`). Surrounding spaces
/// are allowed. Returns nullopt for anything else, including impossible dates (31 Feb, 25:00:00).
std::optional<WallClock::time_point> parse_http_date(std::string_view text) noexcept;

/// Formats a time as an IMF-fixdate (whole seconds, always GMT).
std::string format_http_date(WallClock::time_point when);

}  // namespace pscgi::cache
