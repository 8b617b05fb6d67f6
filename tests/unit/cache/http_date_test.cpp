#include "cache/http_date.hpp"

#include <gtest/gtest.h>

namespace pscgi::cache {
namespace {

using namespace std::chrono;

// RFC 9110's own example instant, 1994-11-06 08:49:37 UTC.
const WallClock::time_point example = sys_days{1994y / November / 6} + 8h + 49min + 37s;

TEST(HttpDateTest, ParsesTheThreeFormsOfTheSameInstant) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), example);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), example);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), example);
  EXPECT_EQ(parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT\t"), example);
}

TEST(HttpDateTest, TwoDigitYearsOfRfc850AreReadAs1970To2069) {
  EXPECT_EQ(parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT"), WallClock::time_point{});
  EXPECT_EQ(parse_http_date("Saturday, 01-Jan-69 00:00:00 GMT"), WallClock::time_point{sys_days{2069y / January / 1}});
}

TEST(HttpDateTest, RejectsMalformedAndImpossibleDates) {
  for (const char* bad :
       {"", "0", "-1", "tomorrow", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMTx", "sun, 06 Nov 1994 08:49:37 GMT", "Sun Nov 6 08:49:37 1994"}) {
    EXPECT_FALSE(parse_http_date(bad)) << bad;
  }
}

TEST(HttpDateTest, FormatsImfFixdateAndRoundTrips) {
  EXPECT_EQ(format_http_date(example), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(example + 999ms), "Sun, 06 Nov 1994 08:49:37 GMT");
  const WallClock::time_point leap_day = sys_days{2024y / February / 29} + 23h + 59min + 59s;
  EXPECT_EQ(format_http_date(leap_day), "Thu, 29 Feb 2024 23:59:59 GMT");
  EXPECT_EQ(parse_http_date(format_http_date(leap_day)), leap_day);
}

// Found by conditional_fuzz: years past 2262 (and before 1677) overflowed WallClock's nanoseconds.
TEST(HttpDateTest, DatesFarFromNowAreClampedNotOverflowed) {
  const WallClock::time_point far_future(http_date_limit);
  const WallClock::time_point far_past(-http_date_limit);
  EXPECT_EQ(parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"), far_future);
  EXPECT_EQ(parse_http_date("Mon, 01 Jan 0001 00:00:00 GMT"), far_past);
  EXPECT_EQ(parse_http_date(format_http_date(far_future)), far_future);
  EXPECT_LT(*parse_http_date("Sun, 06 Nov 2101 08:49:37 GMT"), far_future);
  EXPECT_GT(far_future - far_past, WallClock::duration::zero());  // Expires - Date cannot overflow
}

}  // namespace
}  // namespace pscgi::cache
