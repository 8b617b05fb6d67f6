#include "log/buffered_sink.hpp"

#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace pscgi::log {
namespace {

int open_target(const std::string& target, bool& owns) {
  owns = false;
  if (target == "stderr") return STDERR_FILENO;
  if (target == "stdout") return STDOUT_FILENO;
  const int fd = ::open(target.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open(\"" + target + "\") failed");
  owns = true;
  return fd;
}

}  // namespace

BufferedFdSink::BufferedFdSink(const std::string& target, std::size_t buffer_bytes)
    : target_(target), fd_(open_target(target, owns_fd_)), capacity_(buffer_bytes) {
  buffer_.reserve(capacity_);
}

BufferedFdSink::~BufferedFdSink() {
  write_all();
  if (owns_fd_) ::close(fd_);
}

void BufferedFdSink::sink_it_(const spdlog::details::log_msg& msg) {
  if (buffer_.empty()) oldest_ = std::chrono::steady_clock::now();
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  buffer_.append(formatted.data(), formatted.size());
  if (buffer_.size() >= capacity_) write_all();
}

void BufferedFdSink::append(std::string_view line) {
  if (buffer_.empty()) oldest_ = std::chrono::steady_clock::now();
  buffer_.append(line);
  if (buffer_.size() >= capacity_) write_all();
}

void BufferedFdSink::flush_() { write_all(); }

void BufferedFdSink::flush_if_due(std::chrono::steady_clock::time_point now, std::chrono::milliseconds max_age) {
  if (!buffer_.empty() && now - oldest_ >= max_age) write_all();
}

// A log write that fails (disk full, closed pipe) must not take the worker down with it: the lines
// are dropped and the server keeps answering.
void BufferedFdSink::write_all() noexcept {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

void BufferedFdSink::reopen() {
  if (!owns_fd_) return;
  write_all();
  bool owns = false;
  const int fd = open_target(target_, owns);
  ::close(fd_);
  fd_ = fd;
}

}  // namespace pscgi::log
