#include "process/pid_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

[[noreturn]] void refuse(const std::string& path, std::string_view problem) {
  throw std::runtime_error(fmt::format("pid_file: \"{}\": {}", path, problem));
}

// A closed descriptor whatever happens between open and the end of the write.
struct OwnedFd {
  int fd;
  ~OwnedFd() {
    if (fd >= 0) ::close(fd);
  }
};

void write_all(const std::string& path, int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) refuse(path, fmt::format("write() failed: {}", std::strerror(n < 0 ? errno : EIO)));
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

// O_NOFOLLOW refuses a link in the last component (ELOOP) before anything is truncated; O_NONBLOCK
// keeps a FIFO planted at the path from blocking the start; the regular-file check comes before
// the truncation, so a device or FIFO is never written either.
void write_pid_file(const std::string& path, long pid) {
  const OwnedFd file{::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644)};
  if (file.fd < 0) {
    if (errno == ELOOP) {
      refuse(path, "is a symbolic link; pscgi does not write through links (remove it, or name the real path)");
    }
    // What O_NONBLOCK gives a FIFO without a reader, a socket or a device without a driver.
    if (errno == ENXIO) refuse(path, "exists and is not a regular file");
    refuse(path, fmt::format("cannot open: {}", std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) refuse(path, fmt::format("fstat() failed: {}", std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) refuse(path, "exists and is not a regular file");
  if (::ftruncate(file.fd, 0) != 0) refuse(path, fmt::format("ftruncate() failed: {}", std::strerror(errno)));
  write_all(path, file.fd, fmt::format("{}\n", pid));
}

void remove_pid_file(const std::string& path, long pid) noexcept {
  const OwnedFd file{::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)};
  if (file.fd < 0) return;
  char text[32] = {};
  const ssize_t n = ::read(file.fd, text, sizeof(text) - 1);
  if (n <= 0) return;
  try {
    if (std::string_view(text, static_cast<std::size_t>(n)) == fmt::format("{}\n", pid)) ::unlink(path.c_str());
  } catch (...) {
  }
}

}  // namespace pscgi::process
