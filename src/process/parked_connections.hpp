#pragma once
// The connections a worker has parked in its wake set while they wait for the rest of their
// request, with their read deadlines. Every deadline is limits.read_timeout after accept, so they
// are queued in accept order and the queue stays sorted. Time is always passed in.
//
// Parking is on the path of many cache hits (a worker often accepts before nginx has written), so
// once a worker has run a while it allocates nothing: sockets are small numbers, so connections are
// found by indexing a vector with theirs, and the deadline queue is a vector read from the front
// and compacted now and then (a std::deque allocates a block every 21 entries).

#include "process/connection.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace pscgi::process {

class ParkedConnections {
 public:
  /// Parks `connection`. `again`: it was parked before and resumed without finishing its request;
  /// it keeps its place in the queue, since its deadline still runs from accept.
  void park(const std::shared_ptr<Connection>& connection, bool again);
  /// Takes out the connection parked on `fd` (its socket is readable); null when there is none.
  std::shared_ptr<Connection> take(int fd);
  /// Takes out the first parked connection whose read deadline is at or before `now`; null when
  /// there is none. Queue entries of connections that moved on are dropped on the way.
  std::shared_ptr<Connection> take_expired(Clock::time_point now);
  /// The earliest deadline in the queue. It may be one of a connection that has moved on since:
  /// waking for it is harmless, take_expired() then drops it.
  std::optional<Clock::time_point> next_deadline() const noexcept;
  std::size_t size() const noexcept { return count_; }
  /// Takes out every parked connection (the worker is stopping).
  std::vector<std::shared_ptr<Connection>> take_all() noexcept;

 private:
  struct Deadline {
    Clock::time_point when;
    int fd;
    /// Which connection: a socket number and even a heap address are reused by the next
    /// connection at once, so only a serial number tells them apart.
    std::uint64_t serial;
  };

  void pop_deadline() noexcept;

  std::vector<std::shared_ptr<Connection>> by_fd_;  ///< indexed by socket; null where none is parked
  std::size_t count_ = 0;                           ///< non-null entries of by_fd_
  std::vector<Deadline> deadlines_;                 ///< the queue: deadlines_[first_deadline_] is next
  std::size_t first_deadline_ = 0;
};

}  // namespace pscgi::process
