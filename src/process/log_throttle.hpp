#pragma once
// A log line that a condition repeats on every attempt (accept4() out of descriptors, tried on
// every wake-up of every worker) is written at most once per interval, with the number of repeats
// held back since the last one, so the error log says how often without drowning in it. Time is
// always passed in.

#include "pipeline/clock.hpp"

#include <cstdint>
#include <optional>

namespace pscgi::process {

class LogThrottle {
 public:
  explicit LogThrottle(Clock::duration interval) noexcept : interval_(interval) {}

  /// Another occurrence at `now`. When its line may be written, returns how many occurrences were
  /// held back since the last line written (for "and N more"); nullopt when it is held back itself.
  std::optional<std::uint64_t> admit(Clock::time_point now) noexcept;
  /// Occurrences held back since the last line written.
  std::uint64_t held_back() const noexcept { return held_back_; }
  /// When occurrences were held back and a line may be written again, returns their count for a
  /// line of its own ("N more"), and counts that line as written: so a burst that ends is still
  /// counted. nullopt otherwise.
  std::optional<std::uint64_t> take_held_back(Clock::time_point now) noexcept;

 private:
  Clock::duration interval_;
  std::optional<Clock::time_point> last_written_;
  std::uint64_t held_back_ = 0;
};

}  // namespace pscgi::process
