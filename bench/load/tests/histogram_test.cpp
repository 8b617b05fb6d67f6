#include "histogram.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

namespace pscgi::load {
namespace {

TEST(HistogramTest, EmptyReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.value_at_percentile(50), 0u);
}

TEST(HistogramTest, SmallValuesAreExact) {
  Histogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.value_at_percentile(50), 50u);
  EXPECT_EQ(h.value_at_percentile(90), 90u);
  EXPECT_EQ(h.value_at_percentile(99), 99u);
  EXPECT_EQ(h.value_at_percentile(100), 100u);
  EXPECT_EQ(h.value_at_percentile(0), 1u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(HistogramTest, BucketsTileTheRangeWithoutGapsOrOverlap) {
  for (std::size_t i = 1; i < Histogram::bucket_count; ++i) {
    ASSERT_EQ(Histogram::bucket_lowest(i), Histogram::bucket_highest(i - 1) + 1) << i;
  }
  EXPECT_EQ(Histogram::bucket_highest(Histogram::bucket_count - 1), Histogram::highest_trackable);
}

TEST(HistogramTest, EveryValueLandsInABucketThatHoldsItWithinOnePercent) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 200000; ++i) {
    // Log-uniform over the whole range, plus the edges of powers of two.
    const std::uint64_t v =
        static_cast<std::uint64_t>(std::exp2(std::uniform_real_distribution<>(0, 40)(random)));
    for (std::uint64_t value : {v, v - 1, v + 1}) {
      if (value > Histogram::highest_trackable) continue;
      const std::size_t b = Histogram::bucket_index(value);
      ASSERT_LE(Histogram::bucket_lowest(b), value);
      ASSERT_GE(Histogram::bucket_highest(b), value);
      const double width =
          static_cast<double>(Histogram::bucket_highest(b) - Histogram::bucket_lowest(b));
      ASSERT_LT(width, 0.01 * static_cast<double>(value) + 1.0) << value;
    }
  }
}

TEST(HistogramTest, PercentilesOfAWideSpreadAreWithinOnePercent) {
  Histogram h;
  for (std::uint64_t v = 1; v <= 1000000; ++v) h.record(v * 1000);  // 1 µs .. 1 s in ns
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    const double exact = p / 100.0 * 1e6 * 1000;
    const double got = static_cast<double>(h.value_at_percentile(p));
    EXPECT_GE(got, exact) << p;
    EXPECT_LE(got, exact * 1.01) << p;
  }
  EXPECT_EQ(h.max(), 1000000000u);
  EXPECT_EQ(h.min(), 1000u);
}

TEST(HistogramTest, PercentileIsClampedToTheExactMax) {
  Histogram h;
  h.record(1000001);  // its bucket reaches higher than the value
  EXPECT_EQ(h.value_at_percentile(100), 1000001u);
  EXPECT_EQ(h.value_at_percentile(50), 1000001u);
}

TEST(HistogramTest, HugeValuesGoToTheTopBucketButMaxStaysExact) {
  Histogram h;
  const std::uint64_t huge = std::uint64_t{1} << 50;
  h.record(huge);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.max(), huge);
  EXPECT_EQ(Histogram::bucket_index(huge), Histogram::bucket_count - 1);
}

TEST(HistogramTest, MergeEqualsRecordingEverythingInOne) {
  Histogram a, b, all;
  for (std::uint64_t v = 1; v < 5000; v += 3) {
    (v % 2 ? a : b).record(v * 37);
    all.record(v * 37);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
  for (double p : {1.0, 50.0, 99.0, 99.9})
    EXPECT_EQ(a.value_at_percentile(p), all.value_at_percentile(p));
}

TEST(HistogramTest, MergeIntoEmptyTakesTheOthersMin) {
  Histogram empty, other;
  other.record(500);
  other.record(900);
  empty.merge(other);
  EXPECT_EQ(empty.min(), 500u);
  EXPECT_EQ(empty.max(), 900u);
}

}  // namespace
}  // namespace pscgi::load
