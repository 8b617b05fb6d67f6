#pragma once
// The second gate of the pages app: every file it reads is opened through SiteRoot, relative to a
// descriptor of the root directory, in a way that cannot end outside it. With openat2(2) and
// RESOLVE_BENEATH (Linux 5.6+), the kernel resolves the whole path, symlinks included, and fails
// with EXDEV as soon as a step would leave the root: a symlink that stays inside the site works, one
// that points out of it (absolute, or through ..) does not, and nothing can change in between
// because the check and the open are one system call. Where openat2 is missing (an old kernel, or a
// seccomp filter that answers ENOSYS), SiteRoot walks the names one openat(O_NOFOLLOW) at a time and
// so follows no symlink at all: stricter, never looser.

#include <sys/stat.h>

#include <optional>
#include <string>
#include <string_view>

namespace pscgi::apps::pages {

/// An open file descriptor, closed when this goes away.
class FileHandle {
 public:
  FileHandle() = default;
  explicit FileHandle(int fd) noexcept : fd_(fd) {}
  ~FileHandle();
  FileHandle(FileHandle&& other) noexcept : fd_(other.release()) {}
  FileHandle& operator=(FileHandle&& other) noexcept;
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept;

 private:
  int fd_ = -1;
};

/// How SiteRoot keeps its opens inside the root (see the file comment).
enum class Containment {
  beneath,      ///< openat2 + RESOLVE_BENEATH: symlinks inside the root are followed
  no_symlinks,  ///< openat + O_NOFOLLOW on every name: no symlink is followed
};

/// What SiteRoot::open found: an open descriptor and its fstat, or the errno that stopped it.
struct OpenedFile {
  FileHandle handle;
  struct stat info {};
  int error = 0;  ///< 0 on success; ENOENT/ENOTDIR: not there; EXDEV/ELOOP: it would leave the root

  bool is_directory() const noexcept { return error == 0 && S_ISDIR(info.st_mode); }
  bool is_regular() const noexcept { return error == 0 && S_ISREG(info.st_mode); }
};

class SiteRoot {
 public:
  /// Opens the root directory. `containment` nullopt: beneath when the kernel has openat2, else
  /// no_symlinks. Throws std::invalid_argument when `path` is not a directory that can be opened.
  explicit SiteRoot(const std::string& path, std::optional<Containment> containment = std::nullopt);

  /// Opens `relative` ("a/b.md"; "" is the root itself) for reading, never blocking (a FIFO in the
  /// tree does not hang the worker). Names that are empty, "." or ".." are refused with EINVAL
  /// whatever the containment, so both modes accept the same paths.
  OpenedFile open(std::string_view relative) const;

  Containment containment() const noexcept { return containment_; }
  const std::string& path() const noexcept { return path_; }

 private:
  OpenedFile open_beneath(const std::string& relative) const;
  OpenedFile open_without_symlinks(std::string_view relative) const;

  std::string path_;
  FileHandle root_;
  Containment containment_;
};

/// Reads the whole of a regular file opened by SiteRoot: nullopt when reading fails or the file
/// holds more than `limit` bytes.
std::optional<std::string> read_whole_file(const OpenedFile& file, std::size_t limit);

}  // namespace pscgi::apps::pages
