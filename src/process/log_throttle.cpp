#include "process/log_throttle.hpp"

#include <utility>

namespace pscgi::process {

std::optional<std::uint64_t> LogThrottle::admit(Clock::time_point now) noexcept {
  if (last_written_ && now - *last_written_ < interval_) {
    ++held_back_;
    return std::nullopt;
  }
  last_written_ = now;
  return std::exchange(held_back_, 0);
}

std::optional<std::uint64_t> LogThrottle::take_held_back(Clock::time_point now) noexcept {
  if (held_back_ == 0 || (last_written_ && now - *last_written_ < interval_)) return std::nullopt;
  last_written_ = now;
  return std::exchange(held_back_, 0);
}

}  // namespace pscgi::process
