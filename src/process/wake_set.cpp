#include "process/wake_set.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <sys/epoll.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

std::uint64_t pack(WakeSet::Source source, std::uint32_t index) {
  return (static_cast<std::uint64_t>(source) << 32) | index;
}

}  // namespace

WakeSet::WakeSet() : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1() failed: ") + std::strerror(errno));
}

WakeSet::~WakeSet() { ::close(epoll_fd_); }

void WakeSet::add(int fd, Source source, std::uint32_t index) {
  epoll_event event{};
  event.events = EPOLLIN;
  if (source == Source::listener) event.events |= EPOLLEXCLUSIVE;
  event.data.u64 = pack(source, index);
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    throw std::runtime_error("epoll_ctl(ADD) failed for fd " + std::to_string(fd) + ": " + std::strerror(errno));
  }
}

void WakeSet::remove(int fd) noexcept { ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void WakeSet::watch_once(int fd, bool rearm) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLONESHOT;
  event.data.u64 = pack(Source::connection, static_cast<std::uint32_t>(fd));
  if (::epoll_ctl(epoll_fd_, rearm ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event) != 0) {
    throw std::runtime_error("epoll_ctl() failed for connection fd " + std::to_string(fd) + ": " + std::strerror(errno));
  }
}

std::size_t WakeSet::wait(Event* events, std::size_t capacity, int timeout_ms) {
  epoll_event raw[16];
  const int max = static_cast<int>(capacity < 16 ? capacity : 16);
  const int n = ::epoll_wait(epoll_fd_, raw, max, timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return 0;
    throw std::runtime_error(std::string("epoll_wait() failed: ") + std::strerror(errno));
  }
  for (int i = 0; i < n; ++i) {
    events[i].source = static_cast<Source>(raw[i].data.u64 >> 32);
    events[i].index = static_cast<std::uint32_t>(raw[i].data.u64 & 0xffffffffu);
  }
  return static_cast<std::size_t>(n);
}

}  // namespace pscgi::process
