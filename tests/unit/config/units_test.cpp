#include "config/units.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace pscgi::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(UnitsTest, ParsesDurationsWithEveryUnit) {
  EXPECT_EQ(parse_duration("0"), Duration::zero());
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("10s"), seconds(10));
  EXPECT_EQ(parse_duration("2m"), minutes(2));
  EXPECT_EQ(parse_duration("1h"), hours(1));
  EXPECT_EQ(parse_duration("10 s"), seconds(10));
  EXPECT_EQ(parse_duration("0s"), Duration::zero());
}

TEST(UnitsTest, ParsesDecimalDurationsWhenTheyAreWholeMilliseconds) {
  EXPECT_EQ(parse_duration("1.5s"), milliseconds(1500));
  EXPECT_EQ(parse_duration("0.25h"), minutes(15));
  EXPECT_EQ(parse_duration("0.001s"), milliseconds(1));
  EXPECT_THAT(message_of([] { parse_duration("0.0001s"); }), HasSubstr("not a whole number of milliseconds"));
  EXPECT_THAT(message_of([] { parse_duration("1.5ms"); }), HasSubstr("not a whole number of milliseconds"));
}

TEST(UnitsTest, RefusesDurationsWithoutAUnitOrWithAnUnknownOne) {
  EXPECT_EQ(message_of([] { parse_duration("30"); }),
            "\"30\" needs a unit: write 30s for seconds (units: ms, s, m, h)");
  EXPECT_THAT(message_of([] { parse_duration("10sec"); }), HasSubstr("unknown unit \"sec\""));
  EXPECT_THAT(message_of([] { parse_duration("1d"); }), HasSubstr("use ms, s, m or h"));
  EXPECT_THAT(message_of([] { parse_duration("-5s"); }), HasSubstr("cannot be negative"));
  EXPECT_THAT(message_of([] { parse_duration("abc"); }), HasSubstr("expected a duration"));
  EXPECT_THAT(message_of([] { parse_duration(""); }), HasSubstr("expected a duration"));
  EXPECT_THAT(message_of([] { parse_duration("1..5s"); }), HasSubstr("expected a duration"));
  EXPECT_THAT(message_of([] { parse_duration(".5s"); }), HasSubstr("expected a duration"));
  EXPECT_THAT(message_of([] { parse_duration("99999999999999999999h"); }), HasSubstr("too large"));
  EXPECT_THAT(message_of([] { parse_duration("9999999999999999h"); }), HasSubstr("too large"));
}

TEST(UnitsTest, FormatsDurationsExactlyAndReadsThemBack) {
  EXPECT_EQ(format_duration(Duration::zero()), "0");
  EXPECT_EQ(format_duration(milliseconds(500)), "500ms");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(format_duration(seconds(30)), "30s");
  EXPECT_EQ(format_duration(seconds(90)), "90s");
  EXPECT_EQ(format_duration(minutes(2)), "2m");
  EXPECT_EQ(format_duration(hours(720)), "720h");
  for (auto ms : {1LL, 999LL, 1000LL, 61000LL, 3600000LL, 86400001LL}) {
    EXPECT_EQ(parse_duration(format_duration(milliseconds(ms))), milliseconds(ms)) << ms;
  }
}

TEST(UnitsTest, ParsesSizesInBytesAndBinaryUnits) {
  EXPECT_EQ(parse_size("0"), 0u);
  EXPECT_EQ(parse_size("4096"), 4096u);
  EXPECT_EQ(parse_size("512B"), 512u);
  EXPECT_EQ(parse_size("64KiB"), 64u * 1024);
  EXPECT_EQ(parse_size("8MiB"), 8u * 1024 * 1024);
  EXPECT_EQ(parse_size("2GiB"), 2ull * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_size("1.5MiB"), 1536u * 1024);
  EXPECT_EQ(parse_size("1 KiB"), 1024u);
}

TEST(UnitsTest, RefusesAmbiguousDecimalUnitsWithTheSpellingToUse) {
  EXPECT_EQ(message_of([] { parse_size("8MB"); }),
            "\"8MB\" is ambiguous (MB may mean a power of 1000 or of 1024): write 8MiB (powers of 1024)");
  EXPECT_THAT(message_of([] { parse_size("64KB"); }), HasSubstr("write 64KiB"));
  EXPECT_THAT(message_of([] { parse_size("64kB"); }), HasSubstr("write 64KiB"));
  EXPECT_THAT(message_of([] { parse_size("64k"); }), HasSubstr("write 64KiB"));
  EXPECT_THAT(message_of([] { parse_size("1G"); }), HasSubstr("write 1GiB"));
  EXPECT_THAT(message_of([] { parse_size("8mib"); }), HasSubstr("write 8MiB"));
  EXPECT_THAT(message_of([] { parse_size("1TiB"); }), HasSubstr("use bytes (no unit), KiB, MiB or GiB"));
  EXPECT_THAT(message_of([] { parse_size("0.5"); }), HasSubstr("not a whole number of bytes"));
  EXPECT_THAT(message_of([] { parse_size("-1"); }), HasSubstr("cannot be negative"));
  EXPECT_THAT(message_of([] { parse_size("lots"); }), HasSubstr("expected a size"));
  EXPECT_THAT(message_of([] { parse_size("99999999999GiB"); }), HasSubstr("too large"));
}

TEST(UnitsTest, FormatsSizesWithTheLargestExactUnit) {
  EXPECT_EQ(format_size(0), "0");
  EXPECT_EQ(format_size(100), "100");
  EXPECT_EQ(format_size(1024), "1KiB");
  EXPECT_EQ(format_size(1536), "1536");
  EXPECT_EQ(format_size(64 * 1024), "64KiB");
  EXPECT_EQ(format_size(1536 * 1024), "1536KiB");
  EXPECT_EQ(format_size(32ull * 1024 * 1024), "32MiB");
  EXPECT_EQ(format_size(4ull * 1024 * 1024 * 1024), "4GiB");
  for (std::uint64_t bytes : {1ull, 1023ull, 1025ull, 3ull << 20, 5ull << 30, (5ull << 30) + 1}) {
    EXPECT_EQ(parse_size(format_size(bytes)), bytes) << bytes;
  }
}

TEST(UnitsTest, ParsesPercentagesAndFractions) {
  EXPECT_DOUBLE_EQ(parse_fraction("10%"), 0.10);
  EXPECT_DOUBLE_EQ(parse_fraction("12.5%"), 0.125);
  EXPECT_DOUBLE_EQ(parse_fraction("0%"), 0.0);
  EXPECT_DOUBLE_EQ(parse_fraction("0.1"), 0.1);
  EXPECT_DOUBLE_EQ(parse_fraction("0"), 0.0);
  EXPECT_DOUBLE_EQ(parse_fraction("50 %"), 0.5);
  EXPECT_THAT(message_of([] { parse_fraction("-10%"); }), HasSubstr("cannot be negative"));
  EXPECT_THAT(message_of([] { parse_fraction("ten"); }), HasSubstr("expected a percentage such as 10%"));
  EXPECT_THAT(message_of([] { parse_fraction("10%%"); }), HasSubstr("expected a percentage"));
  EXPECT_THAT(message_of([] { parse_fraction("%"); }), HasSubstr("expected a percentage"));
  EXPECT_THAT(message_of([] { parse_fraction("1e-1"); }), HasSubstr("expected a percentage"));
}

TEST(UnitsTest, FormatsFractionsAsPercentages) {
  EXPECT_EQ(format_percent(0.1), "10%");
  EXPECT_EQ(format_percent(0.125), "12.5%");
  EXPECT_EQ(format_percent(0.0), "0%");
  EXPECT_EQ(format_percent(0.07), "7%");
  EXPECT_DOUBLE_EQ(parse_fraction(format_percent(0.07)), 0.07);
}

TEST(UnitsTest, ParsesOctalModes) {
  EXPECT_EQ(parse_octal_mode("0660"), 0660u);
  EXPECT_EQ(parse_octal_mode("660"), 0660u);
  EXPECT_EQ(parse_octal_mode("0777"), 0777u);
  EXPECT_EQ(parse_octal_mode("000"), 0u);
  EXPECT_THAT(message_of([] { parse_octal_mode("0888"); }), HasSubstr("expected an octal mode such as \"0660\""));
  EXPECT_THAT(message_of([] { parse_octal_mode("66"); }), HasSubstr("expected an octal mode"));
  EXPECT_THAT(message_of([] { parse_octal_mode("06600"); }), HasSubstr("expected an octal mode"));
  EXPECT_THAT(message_of([] { parse_octal_mode("rw"); }), HasSubstr("expected an octal mode"));
  EXPECT_THAT(message_of([] { parse_octal_mode("1777"); }), HasSubstr("use at most 0777"));
  EXPECT_EQ(format_octal_mode(0660), "0660");
  EXPECT_EQ(format_octal_mode(0), "0000");
}

}  // namespace
}  // namespace pscgi::config
