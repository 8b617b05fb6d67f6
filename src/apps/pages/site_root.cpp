#include "apps/pages/site_root.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace pscgi::apps::pages {
namespace {

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. It changes nothing for
// regular files and directories, the only kinds the app reads.
constexpr int read_flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;

long openat2_beneath(int dir_fd, const char* relative) {
  open_how how{};
  how.flags = read_flags;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return ::syscall(SYS_openat2, dir_fd, relative, &how, sizeof how);
}

bool kernel_has_openat2(int root_fd) {
  const long fd = openat2_beneath(root_fd, ".");
  if (fd >= 0) ::close(static_cast<int>(fd));
  return fd >= 0 || (errno != ENOSYS && errno != EPERM);
}

bool is_plain_name(std::string_view name) noexcept { return !name.empty() && name != "." && name != ".."; }

// Every name between the slashes is a plain name ("" alone stands for the root).
bool is_plain_relative(std::string_view relative) noexcept {
  if (relative.empty()) return true;
  while (true) {
    const std::size_t slash = relative.find('/');
    if (!is_plain_name(relative.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    relative.remove_prefix(slash + 1);
  }
}

OpenedFile finish_open(int fd) {
  OpenedFile file;
  if (fd < 0) {
    file.error = errno;
    return file;
  }
  file.handle = FileHandle(fd);
  if (::fstat(fd, &file.info) != 0) file.error = errno;
  return file;
}

}  // namespace

FileHandle::~FileHandle() {
  if (fd_ >= 0) ::close(fd_);
}

FileHandle& FileHandle::operator=(FileHandle&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

int FileHandle::release() noexcept { return std::exchange(fd_, -1); }

SiteRoot::SiteRoot(const std::string& path, std::optional<Containment> containment) : path_(path) {
  root_ = FileHandle(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_) throw std::invalid_argument(fmt::format("cannot open the directory {}: {}", path, std::strerror(errno)));
  containment_ = containment.value_or(kernel_has_openat2(root_.get()) ? Containment::beneath : Containment::no_symlinks);
}

OpenedFile SiteRoot::open(std::string_view relative) const {
  if (!is_plain_relative(relative)) {
    OpenedFile refused;
    refused.error = EINVAL;
    return refused;
  }
  if (containment_ == Containment::beneath) return open_beneath(relative.empty() ? "." : std::string(relative));
  return open_without_symlinks(relative);
}

OpenedFile SiteRoot::open_beneath(const std::string& relative) const {
  return finish_open(static_cast<int>(openat2_beneath(root_.get(), relative.c_str())));
}

OpenedFile SiteRoot::open_without_symlinks(std::string_view relative) const {
  // Each step opens one name in the directory the previous step opened: no path string is ever
  // resolved by the kernel, so there is nothing for a symlink or a rename to redirect.
  FileHandle current(::openat(root_.get(), ".", read_flags | O_DIRECTORY));
  if (!current) return finish_open(-1);
  while (!relative.empty()) {
    const std::size_t slash = relative.find('/');
    const std::string name(relative.substr(0, slash));
    const bool last = slash == std::string_view::npos;
    const int fd = ::openat(current.get(), name.c_str(), read_flags | O_NOFOLLOW | (last ? 0 : O_DIRECTORY));
    if (fd < 0) {
      // O_DIRECTORY wins over O_NOFOLLOW: a symlink on the way reads as ENOTDIR. Say what it is.
      const int open_error = errno;
      struct stat link {};
      const bool is_symlink = open_error == ENOTDIR &&
                              ::fstatat(current.get(), name.c_str(), &link, AT_SYMLINK_NOFOLLOW) == 0 &&
                              S_ISLNK(link.st_mode);
      errno = is_symlink ? ELOOP : open_error;
      return finish_open(-1);
    }
    current = FileHandle(fd);
    relative = last ? std::string_view() : relative.substr(slash + 1);
  }
  return finish_open(current.release());
}

std::optional<std::string> read_whole_file(const OpenedFile& file, std::size_t limit) {
  if (!file.is_regular() || static_cast<std::uint64_t>(file.info.st_size) > limit) return std::nullopt;
  std::string bytes(static_cast<std::size_t>(file.info.st_size), '\0');
  std::size_t filled = 0;
  // pread from 0: the descriptor may have been read before, and a file that grew since fstat is
  // read up to the size fstat saw (the next render sees the rest).
  while (filled < bytes.size()) {
    const ssize_t n = ::pread(file.handle.get(), bytes.data() + filled, bytes.size() - filled, static_cast<off_t>(filled));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;  // it shrank since fstat
    filled += static_cast<std::size_t>(n);
  }
  bytes.resize(filled);
  return bytes;
}

}  // namespace pscgi::apps::pages
