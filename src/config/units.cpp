#include "config/units.hpp"

#include "protocol/http_fields.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>

namespace pscgi::config {
namespace {

[[noreturn]] void refuse(std::string message) { throw std::invalid_argument(std::move(message)); }

using protocol::is_digit;

// `12.5MiB` -> number `12.5`, unit `MiB`. Spaces between the two are tolerated.
std::pair<std::string_view, std::string_view> split_quantity(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (is_digit(text[i]) || text[i] == '.')) ++i;
  std::string_view unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return {text.substr(0, i), unit};
}

// digits, optionally followed by `.` and more digits (at most 9, which is finer than any unit).
bool is_decimal(std::string_view number) {
  if (number.find_first_not_of("0123456789.") != std::string_view::npos) return false;
  const auto dot = number.find('.');
  const auto whole = number.substr(0, dot);
  if (whole.empty()) return false;
  if (dot == std::string_view::npos) return true;
  const auto frac = number.substr(dot + 1);
  return !frac.empty() && frac.size() <= 9 && frac.find('.') == std::string_view::npos;
}

bool is_zero(std::string_view number) { return number.find_first_not_of("0.") == std::string_view::npos; }

// number × scale, exactly: the fractional part must come out whole ("1.5s" is fine, "0.0001s" not).
std::uint64_t scale_exactly(std::string_view text, std::string_view number, std::uint64_t scale,
                            std::string_view whole_unit) {
  const auto dot = number.find('.');
  const auto whole_digits = number.substr(0, dot);
  std::uint64_t whole = 0;
  const auto [end, ec] = std::from_chars(whole_digits.data(), whole_digits.data() + whole_digits.size(), whole);
  if (ec != std::errc() || end != whole_digits.data() + whole_digits.size() ||
      whole > std::numeric_limits<std::int64_t>::max() / scale) {
    refuse(fmt::format("\"{}\" is too large", text));
  }
  std::uint64_t result = whole * scale;
  if (dot == std::string_view::npos) return result;
  const auto frac_digits = number.substr(dot + 1);
  std::uint64_t frac = 0;
  std::uint64_t denominator = 1;
  for (char c : frac_digits) {
    frac = frac * 10 + static_cast<std::uint64_t>(c - '0');
    denominator *= 10;
  }
  // frac < 1e9 and scale <= 3.6e6, so the product stays far below 2^64.
  if ((frac * scale) % denominator != 0) {
    refuse(fmt::format("\"{}\" is not a whole number of {}", text, whole_unit));
  }
  return result + frac * scale / denominator;
}

std::uint64_t duration_scale(std::string_view text, std::string_view unit) {
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 4> units{
      {{"ms", 1}, {"s", 1000}, {"m", 60 * 1000}, {"h", 60 * 60 * 1000}}};
  for (const auto& [name, scale] : units) {
    if (unit == name) return scale;
  }
  refuse(fmt::format("unknown unit \"{}\" in \"{}\": use ms, s, m or h (e.g. 500ms, 10s, 2m, 1h)", unit, text));
}

std::uint64_t size_scale(std::string_view text, std::string_view number, std::string_view unit) {
  if (unit.empty() || unit == "B") return 1;
  if (unit == "KiB") return kKiB;
  if (unit == "MiB") return kMiB;
  if (unit == "GiB") return kGiB;
  const std::string lower = protocol::to_lower(unit);
  const char prefix = lower.front();
  const std::string_view iec = prefix == 'k' ? "KiB" : prefix == 'm' ? "MiB" : prefix == 'g' ? "GiB" : "";
  if (!iec.empty() && (lower.size() == 1 || lower == std::string(1, prefix) + "b")) {
    refuse(fmt::format("\"{}\" is ambiguous ({} may mean a power of 1000 or of 1024): write {}{} (powers of 1024)",
                       text, unit, number, iec));
  }
  if (!iec.empty() && lower == std::string(1, prefix) + "ib") {
    refuse(fmt::format("unknown unit \"{}\" in \"{}\": write {}{}", unit, text, number, iec));
  }
  refuse(fmt::format("unknown unit \"{}\" in \"{}\": use bytes (no unit), KiB, MiB or GiB", unit, text));
}

// The largest unit that divides the value evenly, so formatting is exact.
template <std::size_t N>
std::string format_exact(std::uint64_t value, const std::array<std::pair<std::uint64_t, std::string_view>, N>& units) {
  if (value == 0) return "0";
  for (const auto& [scale, name] : units) {
    if (value % scale == 0) return fmt::format("{}{}", value / scale, name);
  }
  return std::to_string(value);
}

}  // namespace

std::string range_message(std::string_view lo, std::string_view hi, bool unbounded, std::string_view got) {
  if (unbounded) return fmt::format("must be at least {}, got {}", lo, got);
  return fmt::format("must be between {} and {}, got {}", lo, hi, got);
}

std::int64_t parse_integer(std::string_view text, std::int64_t lo, std::int64_t hi) {
  const bool negative = !text.empty() && text.front() == '-';
  const std::string_view digits = text.substr(negative ? 1 : 0);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    refuse(fmt::format("expected an integer, got \"{}\"", text));
  }
  if (digits.size() > 1 && digits.front() == '0') {
    const auto first = digits.find_first_not_of('0');
    const std::string_view plain = first == std::string_view::npos ? "0" : digits.substr(first);
    refuse(fmt::format("\"{}\" has a leading zero, which some YAML readers take for octal: write {}", text, plain));
  }
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool unbounded = hi == std::numeric_limits<std::int64_t>::max();
  if (ec != std::errc() || end != text.data() + text.size() || value < lo || value > hi) {
    refuse(range_message(std::to_string(lo), std::to_string(hi), unbounded, text));
  }
  return value;
}

bool parse_boolean(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  refuse(fmt::format("expected true or false, got \"{}\"", text));
}

Duration parse_duration(std::string_view text) {
  if (!text.empty() && text.front() == '-') refuse(fmt::format("a duration cannot be negative, got \"{}\"", text));
  const auto [number, unit] = split_quantity(text);
  if (!is_decimal(number)) refuse(fmt::format("expected a duration such as 10s or 500ms, got \"{}\"", text));
  if (unit.empty()) {
    if (is_zero(number)) return Duration::zero();
    refuse(fmt::format("\"{}\" needs a unit: write {}s for seconds (units: ms, s, m, h)", text, number));
  }
  const auto ms = scale_exactly(text, number, duration_scale(text, unit), "milliseconds");
  return Duration(static_cast<Duration::rep>(ms));
}

std::string format_duration(Duration value) {
  static constexpr std::array<std::pair<std::uint64_t, std::string_view>, 4> units{
      {{60 * 60 * 1000, "h"}, {60 * 1000, "m"}, {1000, "s"}, {1, "ms"}}};
  return format_exact(static_cast<std::uint64_t>(value.count()), units);
}

std::uint64_t parse_size(std::string_view text) {
  if (!text.empty() && text.front() == '-') refuse(fmt::format("a size cannot be negative, got \"{}\"", text));
  const auto [number, unit] = split_quantity(text);
  if (!is_decimal(number)) refuse(fmt::format("expected a size such as 4096, 64KiB or 8MiB, got \"{}\"", text));
  return scale_exactly(text, number, size_scale(text, number, unit), "bytes");
}

std::string format_size(std::uint64_t bytes) {
  static constexpr std::array<std::pair<std::uint64_t, std::string_view>, 3> units{
      {{kGiB, "GiB"}, {kMiB, "MiB"}, {kKiB, "KiB"}}};
  return format_exact(bytes, units);
}

double parse_fraction(std::string_view text) {
  if (!text.empty() && text.front() == '-') refuse(fmt::format("cannot be negative, got \"{}\"", text));
  const bool percent = !text.empty() && text.back() == '%';
  std::string_view number = percent ? text.substr(0, text.size() - 1) : text;
  while (!number.empty() && number.back() == ' ') number.remove_suffix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (!is_decimal(number) || ec != std::errc() || end != number.data() + number.size()) {
    refuse(fmt::format("expected a percentage such as 10% or a fraction such as 0.1, got \"{}\"", text));
  }
  return percent ? value / 100 : value;
}

std::string format_percent(double fraction) { return fmt::format("{}%", std::round(fraction * 100 * 100) / 100); }

mode_t parse_octal_mode(std::string_view text) {
  const bool octal =
      (text.size() == 3 || text.size() == 4) && text.find_first_not_of("01234567") == std::string_view::npos;
  if (!octal) refuse(fmt::format("expected an octal mode such as \"0660\", got \"{}\"", text));
  if (text.size() == 4 && text.front() != '0') {
    refuse(fmt::format("\"{}\" sets setuid, setgid or sticky bits, which mean nothing here: use at most 0777", text));
  }
  mode_t mode = 0;
  for (char c : text) mode = static_cast<mode_t>(mode * 8 + static_cast<mode_t>(c - '0'));
  return mode;
}

std::string format_octal_mode(mode_t mode) { return fmt::format("{:04o}", mode); }

}  // namespace pscgi::config
