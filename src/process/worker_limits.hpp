#pragma once
// When a worker is due for replacement, and why. Pure: the worker passes what it counted, the time
// and its RSS, so the decision is tested with made-up values. The worker only marks itself due; the
// master decides when it leaves.

#include "pipeline/clock.hpp"
#include "process/scoreboard.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>

namespace pscgi::process {

class WorkerLimits {
 public:
  /// How often, at most, the worker reads its RSS (a system call) and looks at its age.
  static constexpr Clock::duration check_interval = std::chrono::seconds(1);

  /// `request_budget` 0, `lifetime` zero and `max_rss` 0 each mean no such limit.
  WorkerLimits(std::uint64_t request_budget, Clock::duration lifetime, std::uint64_t max_rss,
               Clock::time_point started) noexcept
      : request_budget_(request_budget),
        lifetime_(std::max(lifetime, Clock::duration::zero())),
        lifetime_end_(lifetime > Clock::duration::zero() ? std::optional(started + lifetime) : std::nullopt),
        max_rss_(max_rss) {}

  /// The check after every answer: one comparison.
  bool budget_spent(std::uint64_t answered) const noexcept {
    return request_budget_ != 0 && answered >= request_budget_;
  }
  bool lifetime_over(Clock::time_point now) const noexcept { return lifetime_end_ && now >= *lifetime_end_; }
  bool rss_exceeded(std::uint64_t rss_bytes) const noexcept { return max_rss_ != 0 && rss_bytes > max_rss_; }

  /// The first limit reached, in the order requests, lifetime, RSS; ExitReason::none if none is.
  ExitReason reached(std::uint64_t answered, Clock::time_point now, std::uint64_t rss_bytes) const noexcept {
    if (budget_spent(answered)) return ExitReason::max_requests;
    if (lifetime_over(now)) return ExitReason::max_lifetime;
    if (rss_exceeded(rss_bytes)) return ExitReason::max_rss;
    return ExitReason::none;
  }

  /// When the worker must be awake to notice the end of its lifetime; nullopt when it has none.
  std::optional<Clock::time_point> lifetime_end() const noexcept { return lifetime_end_; }

  /// After looking at `now`, when to look again: check_interval later, or at the end of the
  /// lifetime if that comes sooner (and has not passed).
  Clock::time_point next_check(Clock::time_point now) const noexcept {
    const Clock::time_point next = now + check_interval;
    if (lifetime_end_ && *lifetime_end_ > now && *lifetime_end_ < next) return *lifetime_end_;
    return next;
  }

  std::uint64_t request_budget() const noexcept { return request_budget_; }
  Clock::duration lifetime() const noexcept { return lifetime_; }
  std::uint64_t max_rss() const noexcept { return max_rss_; }

 private:
  std::uint64_t request_budget_;
  Clock::duration lifetime_;
  std::optional<Clock::time_point> lifetime_end_;
  std::uint64_t max_rss_;
};

}  // namespace pscgi::process
