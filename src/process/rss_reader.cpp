#include "process/scoreboard.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace pscgi::process {

// Opened by the process that reads it: /proc/self is resolved at open, so a descriptor opened
// before fork would go on describing the master.
RssReader::RssReader() noexcept : fd_(::open("/proc/self/statm", O_RDONLY | O_CLOEXEC)) {
  if (fd_ < 0) spdlog::warn("open() of /proc/self/statm failed: {}; RSS is not watched", std::strerror(errno));
}

RssReader::~RssReader() {
  if (fd_ >= 0) ::close(fd_);
}

// statm is "size resident shared text lib data dt", in pages.
std::uint64_t RssReader::read() const noexcept {
  if (fd_ < 0) return 0;
  char text[128];
  const ssize_t n = ::pread(fd_, text, sizeof(text) - 1, 0);
  if (n <= 0) {
    spdlog::warn("pread() of /proc/self/statm failed: {}", n < 0 ? std::strerror(errno) : "empty");
    return 0;
  }
  const char* const end = text + n;
  const char* resident = static_cast<const char*>(std::memchr(text, ' ', static_cast<std::size_t>(n)));
  std::uint64_t pages = 0;
  if (resident == nullptr || std::from_chars(resident + 1, end, pages).ec != std::errc()) return 0;
  static const auto page_size = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  return pages * page_size;
}

}  // namespace pscgi::process
