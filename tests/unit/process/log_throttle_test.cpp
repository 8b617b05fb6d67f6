#include "process/log_throttle.hpp"

#include <gtest/gtest.h>

namespace pscgi::process {
namespace {

using namespace std::chrono_literals;

TEST(LogThrottleTest, TheFirstOccurrenceIsWrittenWithNothingHeldBack) {
  LogThrottle throttle(1s);
  EXPECT_EQ(throttle.admit(Clock::time_point{} + 5s), std::optional<std::uint64_t>(0));
}

TEST(LogThrottleTest, RepeatsWithinTheIntervalAreHeldBackAndCountedInTheNextLine) {
  LogThrottle throttle(1s);
  const Clock::time_point start = Clock::time_point{} + 10s;
  ASSERT_TRUE(throttle.admit(start));
  for (int i = 1; i <= 65; ++i) EXPECT_FALSE(throttle.admit(start + i * 10ms)) << "repeat " << i;
  EXPECT_EQ(throttle.held_back(), 65u);
  EXPECT_EQ(throttle.admit(start + 1s), std::optional<std::uint64_t>(65));
  EXPECT_EQ(throttle.held_back(), 0u);
  EXPECT_FALSE(throttle.admit(start + 1500ms)) << "the interval runs from the last line written";
  EXPECT_EQ(throttle.admit(start + 2s), std::optional<std::uint64_t>(1));
}

TEST(LogThrottleTest, AnOccurrenceAfterAQuietSpellIsWrittenAtOnce) {
  LogThrottle throttle(1s);
  const Clock::time_point start = Clock::time_point{} + 10s;
  ASSERT_TRUE(throttle.admit(start));
  EXPECT_EQ(throttle.admit(start + 1h), std::optional<std::uint64_t>(0));
}

// A burst that ends within its first second is still counted, once, when the interval is over.
TEST(LogThrottleTest, WhatWasHeldBackIsToldOnceTheIntervalIsOver) {
  LogThrottle throttle(1s);
  const Clock::time_point start = Clock::time_point{} + 10s;
  ASSERT_TRUE(throttle.admit(start));
  for (int i = 1; i <= 40; ++i) ASSERT_FALSE(throttle.admit(start + i * 5ms));
  EXPECT_FALSE(throttle.take_held_back(start + 999ms)) << "too early";
  EXPECT_EQ(throttle.take_held_back(start + 1s), std::optional<std::uint64_t>(40));
  EXPECT_FALSE(throttle.take_held_back(start + 5s)) << "told once";
  EXPECT_FALSE(throttle.admit(start + 1500ms)) << "the summary counts as a line written";
}

}  // namespace
}  // namespace pscgi::process
