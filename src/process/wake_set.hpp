#pragma once
// What wakes an idle worker: its listening sockets, its signals (a signalfd) and the pipe from the
// master. It is an epoll set of the worker's own, so that the listening sockets can be added with
// EPOLLEXCLUSIVE: the kernel then wakes one idle worker per new connection instead of all of them
// (the thundering herd). Asio's own epoll set cannot take that flag, so while a worker has slow
// connections in Asio, it waits on this set's descriptor through Asio instead (see Worker).

#include <cstddef>
#include <cstdint>

namespace pscgi::process {

class WakeSet {
 public:
  enum class Source : std::uint32_t { listener, signals, master, connection };
  struct Event {
    Source source;
    std::uint32_t index;  ///< which listener, or the connection's socket
  };

  WakeSet();
  ~WakeSet();
  WakeSet(const WakeSet&) = delete;
  WakeSet& operator=(const WakeSet&) = delete;

  int fd() const noexcept { return epoll_fd_; }
  void add(int fd, Source source, std::uint32_t index = 0);
  void remove(int fd) noexcept;
  /// Watches a connection for one readable event (EPOLLONESHOT); again with `rearm`.
  void watch_once(int fd, bool rearm);
  /// Waits up to `timeout_ms` (-1: forever, 0: just look). Returns how many events it wrote to
  /// `events` (at most `capacity`); 0 on timeout or when interrupted.
  std::size_t wait(Event* events, std::size_t capacity, int timeout_ms);

 private:
  int epoll_fd_;
};

}  // namespace pscgi::process
