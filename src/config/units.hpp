#pragma once
// The value syntaxes of the config file that are more than a number: durations (`500ms`, `10s`),
// sizes (`64KiB`), fractions (`10%`) and octal file modes (`"0660"`). Parsing is separate from the
// YAML walk so each syntax can be tested on its own; the messages name the value, never the key
// (the caller adds the key and the line).

#include "config/config.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace pscgi::config {

/// The IEC size units the config file speaks (powers of 1024).
inline constexpr std::uint64_t kKiB = 1024;
inline constexpr std::uint64_t kMiB = 1024 * kKiB;
inline constexpr std::uint64_t kGiB = 1024 * kMiB;

/// "must be between LO and HI, got X" (or "at least LO" when hi is the type's maximum).
std::string range_message(std::string_view lo, std::string_view hi, bool unbounded, std::string_view got);

/// Parses a decimal integer in [lo, hi]: an optional `-`, digits, no leading zero (some YAML readers
/// take `010` for octal), no `+` or exponent. Throws std::invalid_argument.
std::int64_t parse_integer(std::string_view text, std::int64_t lo, std::int64_t hi);

/// Parses `true` or `false` (also `True`, `TRUE`, `False`, `FALSE`). Throws std::invalid_argument.
bool parse_boolean(std::string_view text);

/// Parses `<number><unit>` with unit ms, s, m or h; the number may have a decimal part as long as
/// the result is a whole number of milliseconds (`1.5s`). A bare `0` is allowed, any other bare
/// number is not. Throws std::invalid_argument with a message for people.
Duration parse_duration(std::string_view text);
/// The shortest exact spelling: `0`, `500ms`, `10s`, `2m`, `1h`. parse_duration() reads it back.
std::string format_duration(Duration value);

/// Parses a size: bytes when bare (`4096`), else `<number>B`, `KiB`, `MiB` or `GiB` (powers of 1024).
/// The number may have a decimal part if the result is a whole number of bytes (`1.5MiB`). `KB`,
/// `MB`, `K`... are refused as ambiguous, with the IEC spelling to use instead.
/// Throws std::invalid_argument.
std::uint64_t parse_size(std::string_view text);
/// The shortest exact spelling: `0`, `100`, `64KiB`, `8MiB`, `1GiB`. parse_size() reads it back.
std::string format_size(std::uint64_t bytes);

/// Parses a percentage (`10%`, `12.5%`) or a plain fraction (`0.1`) into a fraction. Negative values
/// are refused; the range is the caller's. Throws std::invalid_argument.
double parse_fraction(std::string_view text);
/// As a percentage with at most two decimals: `10%`, `12.5%`.
std::string format_percent(double fraction);

/// Parses a file mode written as 3 or 4 octal digits (`660`, `0660`), at most 0777.
/// Throws std::invalid_argument.
mode_t parse_octal_mode(std::string_view text);
/// Four octal digits: `0660`.
std::string format_octal_mode(mode_t mode);

}  // namespace pscgi::config
