#include "process/parked_connections.hpp"

#include <algorithm>
#include <utility>

namespace pscgi::process {

void ParkedConnections::park(const std::shared_ptr<Connection>& connection, bool again) {
  const auto fd = static_cast<std::size_t>(connection->fd());
  if (!again) deadlines_.push_back({connection->read_deadline(), connection->fd(), connection->serial()});
  if (fd >= by_fd_.size()) by_fd_.resize(fd + 1);
  if (!by_fd_[fd]) ++count_;
  by_fd_[fd] = connection;
}

std::shared_ptr<Connection> ParkedConnections::take(int fd) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= by_fd_.size()) return nullptr;
  std::shared_ptr<Connection> connection = std::move(by_fd_[static_cast<std::size_t>(fd)]);
  if (connection) --count_;
  return connection;
}

// Entries of connections that have moved on are dropped as soon as they reach the front, not only
// at their deadline, so the queue stays as short as the number of connections still parked allows.
std::shared_ptr<Connection> ParkedConnections::take_expired(Clock::time_point now) {
  while (first_deadline_ < deadlines_.size()) {
    const Deadline front = deadlines_[first_deadline_];
    const auto fd = static_cast<std::size_t>(front.fd);
    const bool still_parked = fd < by_fd_.size() && by_fd_[fd] && by_fd_[fd]->serial() == front.serial;
    if (still_parked && front.when > now) return nullptr;
    pop_deadline();
    if (still_parked) return take(front.fd);
  }
  return nullptr;
}

// The consumed front is dropped when the queue empties (the common case: keeps the capacity) or
// when it is most of the vector, so the vector stays within twice what is queued.
void ParkedConnections::pop_deadline() noexcept {
  ++first_deadline_;
  if (first_deadline_ == deadlines_.size()) {
    deadlines_.clear();
    first_deadline_ = 0;
  } else if (first_deadline_ * 2 > deadlines_.size()) {
    deadlines_.erase(deadlines_.begin(), deadlines_.begin() + static_cast<std::ptrdiff_t>(first_deadline_));
    first_deadline_ = 0;
  }
}

std::optional<Clock::time_point> ParkedConnections::next_deadline() const noexcept {
  if (first_deadline_ == deadlines_.size()) return std::nullopt;
  return deadlines_[first_deadline_].when;
}

// by_fd_ is compacted in place (std::remove moves the parked ones to its front), which cannot throw.
std::vector<std::shared_ptr<Connection>> ParkedConnections::take_all() noexcept {
  deadlines_.clear();
  first_deadline_ = 0;
  count_ = 0;
  by_fd_.erase(std::remove(by_fd_.begin(), by_fd_.end(), nullptr), by_fd_.end());
  return std::exchange(by_fd_, {});
}

}  // namespace pscgi::process
