#include "cache/http_date.hpp"

#include "protocol/http_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace pscgi::cache {

using protocol::trim_ows;

namespace {

constexpr std::array<std::string_view, 7> short_days = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> long_days = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A left-to-right reader: every step either consumes what it expects or fails, and a failed
// cursor stays failed, so a parse is a straight sequence of steps checked once at the end.
class Cursor {
 public:
  explicit Cursor(std::string_view text) noexcept : rest_(text) {}

  bool ok() const noexcept { return ok_; }
  bool at_end() const noexcept { return ok_ && rest_.empty(); }

  void literal(std::string_view expected) noexcept {
    if (ok_ && rest_.substr(0, expected.size()) == expected) rest_.remove_prefix(expected.size());
    else ok_ = false;
  }
  int digits(std::size_t count) noexcept {
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      if (!ok_ || rest_.empty() || rest_[0] < '0' || rest_[0] > '9') {
        ok_ = false;
        return 0;
      }
      value = value * 10 + (rest_[0] - '0');
      rest_.remove_prefix(1);
    }
    return value;
  }
  /// One of the names, returning its index.
  template <std::size_t N>
  unsigned one_of(const std::array<std::string_view, N>& names) noexcept {
    for (std::size_t i = 0; ok_ && i < N; ++i) {
      if (rest_.substr(0, names[i].size()) == names[i]) {
        rest_.remove_prefix(names[i].size());
        return static_cast<unsigned>(i);
      }
    }
    ok_ = false;
    return 0;
  }
  bool peek(char c) const noexcept { return ok_ && !rest_.empty() && rest_[0] == c; }

 private:
  std::string_view rest_;
  bool ok_ = true;
};

struct Fields {
  int year = 0;
  unsigned month = 0;  // 0-based
  int day = 0, hour = 0, minute = 0, second = 0;
};

void read_time(Cursor& c, Fields& f) noexcept {
  f.hour = c.digits(2);
  c.literal(":");
  f.minute = c.digits(2);
  c.literal(":");
  f.second = c.digits(2);
}

std::optional<WallClock::time_point> to_time_point(const Fields& f) noexcept {
  using namespace std::chrono;
  const year_month_day date{year{f.year}, month{f.month + 1}, day{static_cast<unsigned>(f.day)}};
  // 60 is allowed for a leap second and read as the next second, as the RFC permits.
  if (!date.ok() || f.hour > 23 || f.minute > 59 || f.second > 60) return std::nullopt;
  const sys_seconds exact = sys_days{date} + hours{f.hour} + minutes{f.minute} + seconds{f.second};
  return WallClock::time_point(std::clamp(exact.time_since_epoch(), -http_date_limit, http_date_limit));
}

std::optional<Fields> parse_imf_fixdate(std::string_view text) noexcept {
  Cursor c(text);
  Fields f;
  c.one_of(short_days);
  c.literal(", ");
  f.day = c.digits(2);
  c.literal(" ");
  f.month = c.one_of(months);
  c.literal(" ");
  f.year = c.digits(4);
  c.literal(" ");
  read_time(c, f);
  c.literal(" GMT");
  return c.at_end() ? std::optional(f) : std::nullopt;
}

std::optional<Fields> parse_rfc850(std::string_view text) noexcept {
  Cursor c(text);
  Fields f;
  c.one_of(long_days);
  c.literal(", ");
  f.day = c.digits(2);
  c.literal("-");
  f.month = c.one_of(months);
  c.literal("-");
  const int two_digit_year = c.digits(2);
  f.year = two_digit_year < 70 ? 2000 + two_digit_year : 1900 + two_digit_year;
  c.literal(" ");
  read_time(c, f);
  c.literal(" GMT");
  return c.at_end() ? std::optional(f) : std::nullopt;
}

std::optional<Fields> parse_asctime(std::string_view text) noexcept {
  Cursor c(text);
  Fields f;
  c.one_of(short_days);
  c.literal(" ");
  f.month = c.one_of(months);
  c.literal(" ");
  if (c.peek(' ')) {
    c.literal(" ");
    f.day = c.digits(1);
  } else {
    f.day = c.digits(2);
  }
  c.literal(" ");
  read_time(c, f);
  c.literal(" ");
  f.year = c.digits(4);
  return c.at_end() ? std::optional(f) : std::nullopt;
}

}  // namespace

std::optional<WallClock::time_point> parse_http_date(std::string_view text) noexcept {
  text = trim_ows(text);
  std::optional<Fields> fields = parse_imf_fixdate(text);
  if (!fields) fields = parse_rfc850(text);
  if (!fields) fields = parse_asctime(text);
  if (!fields) return std::nullopt;
  return to_time_point(*fields);
}

std::string format_http_date(WallClock::time_point when) {
  using namespace std::chrono;
  const sys_days day_point = floor<days>(when);
  const year_month_day date{day_point};
  const hh_mm_ss<seconds> time{floor<seconds>(when - day_point)};
  const weekday wd{day_point};
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", short_days[wd.c_encoding()],
                     static_cast<unsigned>(date.day()), months[static_cast<unsigned>(date.month()) - 1],
                     static_cast<int>(date.year()), time.hours().count(), time.minutes().count(),
                     time.seconds().count());
}

}  // namespace pscgi::cache
