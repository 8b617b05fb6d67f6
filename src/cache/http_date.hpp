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
/// A date further than http_date_limit from 1970 reads as that limit (see there).
std::optional<WallClock::time_point> parse_http_date(std::string_view text) noexcept;

/// How far from 1970 a parsed date may be: about 146 years, half of what WallClock's 64-bit
/// nanoseconds hold. A year up to 9999 is a valid HTTP-date (`Expires: ... 9999` is common), but
/// would overflow WallClock, and so would the difference of two dates at opposite ends
/// (Expires - Date); clamped to this, both are safe, and a date keeps its meaning: far past or far future.
inline constexpr std::chrono::seconds http_date_limit =
    std::chrono::duration_cast<std::chrono::seconds>(WallClock::duration::max()) / 2;

/// Formats a time as an IMF-fixdate (whole seconds, always GMT).
std::string format_http_date(WallClock::time_point when);

}  // namespace pscgi::cache
