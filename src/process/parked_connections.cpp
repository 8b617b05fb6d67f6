#include "process/parked_connections.hpp"

#include <utility>

namespace pscgi::process {

void ParkedConnections::park(const std::shared_ptr<Connection>& connection, bool again) {
  if (!again) deadlines_.push_back({connection->read_deadline(), connection->fd(), connection->serial()});
  parked_.emplace(connection->fd(), connection);
}

std::shared_ptr<Connection> ParkedConnections::take(int fd) {
  const auto it = parked_.find(fd);
  if (it == parked_.end()) return nullptr;
  std::shared_ptr<Connection> connection = std::move(it->second);
  parked_.erase(it);
  return connection;
}

// Entries of connections that have moved on are dropped as soon as they reach the front, not only
// at their deadline, so the queue stays as short as the number of connections still parked allows.
std::shared_ptr<Connection> ParkedConnections::take_expired(Clock::time_point now) {
  while (!deadlines_.empty()) {
    const Deadline front = deadlines_.front();
    const auto it = parked_.find(front.fd);
    const bool still_parked = it != parked_.end() && it->second->serial() == front.serial;
    if (still_parked && front.when > now) return nullptr;
    deadlines_.pop_front();
    if (still_parked) return take(front.fd);
  }
  return nullptr;
}

std::optional<Clock::time_point> ParkedConnections::next_deadline() const noexcept {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.front().when;
}

std::unordered_map<int, std::shared_ptr<Connection>> ParkedConnections::take_all() noexcept {
  deadlines_.clear();
  return std::exchange(parked_, {});
}

}  // namespace pscgi::process
