#pragma once
// The two logs. The error log is spdlog's default logger (levels, one line per event, written at
// once). The access log is a line per request, buffered (see BufferedFdSink). Both are created in
// each process after fork: spdlog objects are not shared across fork.

#include "config/config.hpp"

#include <chrono>
#include <string_view>

namespace pscgi::log {

/// Creates both logs for this process. `role` is "master" or "worker"; every error-log line carries
/// it and the pid. Called again (the master at a reload), it replaces both. Throws
/// std::system_error when a log file cannot be opened, and then changes nothing.
void setup_logging(const config::LogSettings& settings, std::string_view role);

/// One access-log line.
struct AccessEntry {
  std::string_view remote_addr;
  std::string_view method;
  std::string_view uri;
  int status = 0;
  std::size_t bytes = 0;
  std::chrono::microseconds duration{0};
  std::string_view cache = "-";
};

/// Appends a line to the access log (nothing when it is off).
void write_access(const AccessEntry& entry) noexcept;
bool access_log_enabled() noexcept;

/// Writes buffered access-log lines older than a second. Called from the worker's loop.
void flush_access_log_if_due(std::chrono::steady_clock::time_point now) noexcept;
/// True while access lines wait in the buffer: the worker then wakes in time to flush them.
bool access_log_has_pending() noexcept;
/// Writes everything buffered, in both logs.
void flush_logs() noexcept;
/// Reopens log files after rotation.
void reopen_logs();

/// The most an access line may wait in memory before it is written.
inline constexpr std::chrono::milliseconds access_flush_interval{1000};

}  // namespace pscgi::log
