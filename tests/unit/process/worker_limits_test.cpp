#include "process/worker_limits.hpp"

#include <gtest/gtest.h>

namespace pscgi::process {
namespace {

using namespace std::chrono_literals;

const Clock::time_point start = Clock::time_point(1000s);
constexpr std::uint64_t mib = 1u << 20;

TEST(WorkerLimitsTest, NoLimitsMeansNeverDue) {
  const WorkerLimits limits(0, Clock::duration::zero(), 0, start);
  EXPECT_EQ(limits.reached(1'000'000'000, start + 1000h, 64 * 1024 * mib), ExitReason::none);
  EXPECT_FALSE(limits.budget_spent(1'000'000'000));
  EXPECT_FALSE(limits.lifetime_end().has_value());
}

TEST(WorkerLimitsTest, TheRequestBudgetIsReachedWhenAnsweredMeetsIt) {
  const WorkerLimits limits(20, Clock::duration::zero(), 0, start);
  EXPECT_FALSE(limits.budget_spent(19));
  EXPECT_TRUE(limits.budget_spent(20));
  EXPECT_TRUE(limits.budget_spent(21));
  EXPECT_EQ(limits.reached(19, start, 0), ExitReason::none);
  EXPECT_EQ(limits.reached(20, start, 0), ExitReason::max_requests);
}

TEST(WorkerLimitsTest, TheLifetimeEndsAtStartPlusLifetime) {
  const WorkerLimits limits(0, 90s, 0, start);
  ASSERT_TRUE(limits.lifetime_end().has_value());
  EXPECT_EQ(*limits.lifetime_end(), start + 90s);
  EXPECT_EQ(limits.reached(0, start + 90s - 1ns, 0), ExitReason::none);
  EXPECT_EQ(limits.reached(0, start + 90s, 0), ExitReason::max_lifetime);
  EXPECT_EQ(limits.reached(0, start + 91s, 0), ExitReason::max_lifetime);
}

TEST(WorkerLimitsTest, RssMustExceedTheLimit) {
  const WorkerLimits limits(0, Clock::duration::zero(), 100 * mib, start);
  EXPECT_EQ(limits.reached(0, start, 100 * mib), ExitReason::none);
  EXPECT_EQ(limits.reached(0, start, 100 * mib + 1), ExitReason::max_rss);
  // An RSS that could not be read (0) never makes a worker due.
  EXPECT_EQ(limits.reached(0, start, 0), ExitReason::none);
}

TEST(WorkerLimitsTest, WhenSeveralAreReachedRequestsComeFirstThenLifetime) {
  const WorkerLimits limits(10, 60s, 50 * mib, start);
  EXPECT_EQ(limits.reached(10, start + 61s, 60 * mib), ExitReason::max_requests);
  EXPECT_EQ(limits.reached(9, start + 61s, 60 * mib), ExitReason::max_lifetime);
  EXPECT_EQ(limits.reached(9, start + 59s, 60 * mib), ExitReason::max_rss);
  EXPECT_EQ(limits.reached(9, start + 59s, 40 * mib), ExitReason::none);
}

TEST(WorkerLimitsTest, ChecksComeOnceASecondOrAtTheEndOfTheLifetime) {
  const WorkerLimits unlimited(0, Clock::duration::zero(), 0, start);
  EXPECT_EQ(unlimited.next_check(start + 5s), start + 6s);

  const WorkerLimits short_life(0, 2500ms, 0, start);
  EXPECT_EQ(short_life.next_check(start), start + 1s);
  EXPECT_EQ(short_life.next_check(start + 2s), start + 2500ms);  // sooner than a second away
  // Past its end (due already), it goes back to once a second.
  EXPECT_EQ(short_life.next_check(start + 3s), start + 4s);
}

TEST(WorkerLimitsTest, ANegativeLifetimeMeansNone) {
  const WorkerLimits limits(0, -5s, 0, start);
  EXPECT_FALSE(limits.lifetime_end().has_value());
  EXPECT_EQ(limits.lifetime(), Clock::duration::zero());
  EXPECT_EQ(limits.reached(0, start + 1000h, 0), ExitReason::none);
}

}  // namespace
}  // namespace pscgi::process
