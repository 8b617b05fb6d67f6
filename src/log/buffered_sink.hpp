#pragma once
// A spdlog sink that collects lines in memory and writes them in large blocks, so that an access
// log line per request costs a memcpy instead of a write(2). It is single-threaded (a worker has
// one thread) and is flushed by size, by age (flush_if_due) and at exit.

#include <spdlog/sinks/base_sink.h>
#include <spdlog/details/null_mutex.h>

#include <chrono>
#include <string>

namespace pscgi::log {

class BufferedFdSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  /// `target` is "stderr", "stdout" or a file path (opened for append, created 0640).
  /// Throws std::system_error naming the path when it cannot be opened.
  explicit BufferedFdSink(const std::string& target, std::size_t buffer_bytes = 64 * 1024);
  ~BufferedFdSink() override;
  BufferedFdSink(const BufferedFdSink&) = delete;
  BufferedFdSink& operator=(const BufferedFdSink&) = delete;

  /// Appends a line that is already formatted (with its newline), bypassing spdlog's formatter:
  /// the access log's hot path.
  void append(std::string_view line);
  /// Writes what is buffered if the oldest buffered line is older than `max_age`.
  void flush_if_due(std::chrono::steady_clock::time_point now, std::chrono::milliseconds max_age);
  bool has_pending() const noexcept { return !buffer_.empty(); }
  /// Reopens the file (after log rotation). No effect for stderr/stdout.
  void reopen();

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  void write_all() noexcept;

  std::string target_;
  bool owns_fd_ = false;  ///< declared before fd_: the constructor sets it while opening fd_
  int fd_ = -1;
  std::size_t capacity_;
  std::string buffer_;
  std::chrono::steady_clock::time_point oldest_{};
};

}  // namespace pscgi::log
