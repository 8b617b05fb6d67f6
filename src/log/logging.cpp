#include "log/logging.hpp"

#include "log/buffered_sink.hpp"
#include "log/escape.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <fmt/compile.h>

#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace pscgi::log {
namespace {

config::LogSettings& current_settings() {
  static config::LogSettings settings;
  return settings;
}

struct AccessLogState {
  std::shared_ptr<spdlog::logger> logger;
  std::shared_ptr<BufferedFdSink> sink;
  int pid = 0;
  std::int64_t stamped_second = -1;
  char stamp[32] = {};  ///< "2026-11-20T23:57:17" for stamped_second
  char zone[8] = {};    ///< "+00:00"
};

// Formatting a date costs more than the rest of the line, and a busy worker writes thousands of
// lines in the same second: the seconds part is made once per second.
void refresh_stamp(AccessLogState& access, std::int64_t second) {
  const std::time_t t = static_cast<std::time_t>(second);
  std::tm local{};
  ::localtime_r(&t, &local);
  std::strftime(access.stamp, sizeof(access.stamp), "%Y-%m-%dT%H:%M:%S", &local);
  char zone[8] = {};
  std::strftime(zone, sizeof(zone), "%z", &local);  // "+0100"
  std::snprintf(access.zone, sizeof(access.zone), "%.3s:%.2s", zone, zone + 3);
  access.stamped_second = second;
}

AccessLogState& access_state() {
  static AccessLogState state;
  return state;
}

spdlog::level::level_enum to_spdlog(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::trace: return spdlog::level::trace;
    case config::LogLevel::debug: return spdlog::level::debug;
    case config::LogLevel::info: return spdlog::level::info;
    case config::LogLevel::warn: return spdlog::level::warn;
    case config::LogLevel::error: return spdlog::level::err;
    case config::LogLevel::critical: return spdlog::level::critical;
    case config::LogLevel::off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

spdlog::sink_ptr make_error_sink(const std::string& target) {
  if (target == "stderr") return std::make_shared<spdlog::sinks::stderr_sink_st>();
  if (target == "stdout") return std::make_shared<spdlog::sinks::stdout_sink_st>();
  return std::make_shared<spdlog::sinks::basic_file_sink_st>(target);
}

std::shared_ptr<spdlog::logger> make_error_log(const config::LogSettings& settings, const std::string& role) {
  auto error_log = std::make_shared<spdlog::logger>(role, make_error_sink(settings.error_log));
  error_log->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n %P] [%l] %v");
  error_log->set_level(to_spdlog(settings.level));
  error_log->flush_on(spdlog::level::trace);  // rare lines: each is written at once
  return error_log;
}

}  // namespace

// Both files are opened before anything is replaced: when one cannot be (a reload that names a
// directory that does not exist), the exception leaves this process logging where it did, instead
// of without any default logger.
void setup_logging(const config::LogSettings& settings, std::string_view role) {
  auto error_log = make_error_log(settings, std::string(role));
  std::shared_ptr<BufferedFdSink> access_sink;
  if (settings.access_log != "off") access_sink = std::make_shared<BufferedFdSink>(settings.access_log);

  spdlog::drop_all();
  spdlog::set_default_logger(error_log);
  current_settings() = settings;
  AccessLogState& access = access_state();
  if (access.logger) access.logger->flush();
  access = {};
  access.pid = ::getpid();
  if (!access_sink) return;
  access.sink = std::move(access_sink);
  access.logger = std::make_shared<spdlog::logger>("access", access.sink);
  access.logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %v");
  access.logger->set_level(spdlog::level::info);
}

bool access_log_enabled() noexcept { return access_state().logger != nullptr; }

void write_access(const AccessEntry& e) noexcept {
  AccessLogState& access = access_state();
  if (!access.logger) return;
  try {
    const std::string_view method = e.method.empty() ? "-" : e.method;
    const std::string_view uri = e.uri.empty() ? "-" : e.uri;
    const std::string_view remote = e.remote_addr.empty() ? "-" : e.remote_addr;
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
    if (ms / 1000 != access.stamped_second) refresh_stamp(access, ms / 1000);
    fmt::memory_buffer line;
    auto out = std::back_inserter(line);
    // Every field a client chose goes through the log escaping (log/escape.hpp): REMOTE_ADDR too,
    // which a raw-socket peer sets to whatever it likes, spaces included.
    fmt::format_to(out, FMT_COMPILE("{}.{:03}{} {} \"{} {}"), access.stamp, ms % 1000, access.zone,
                   Escaped{remote, Field::space_separated}, Escaped{method}, Escaped{uri});
    fmt::format_to(out, FMT_COMPILE("\" {} {} {}us pid={} cache={}\n"), e.status, e.bytes, e.duration.count(), access.pid,
                   e.cache);
    access.sink->append({line.data(), line.size()});
  } catch (...) {
    // A line that cannot be formatted is dropped; the request has been answered.
  }
}

void flush_access_log_if_due(std::chrono::steady_clock::time_point now) noexcept {
  AccessLogState& access = access_state();
  if (access.sink) access.sink->flush_if_due(now, access_flush_interval);
}

bool access_log_has_pending() noexcept {
  const AccessLogState& access = access_state();
  return access.sink && access.sink->has_pending();
}

void flush_logs() noexcept {
  try {
    if (access_state().logger) access_state().logger->flush();
    spdlog::default_logger_raw()->flush();
  } catch (...) {
  }
}

// The error log is remade on its (reopened) file; the access log reopens in place so that lines
// already buffered go to the old file before the switch.
void reopen_logs() {
  const config::LogSettings& settings = current_settings();
  if (settings.error_log != "stderr" && settings.error_log != "stdout") {
    const std::string role = spdlog::default_logger_raw()->name();
    spdlog::default_logger_raw()->flush();
    spdlog::set_default_logger(make_error_log(settings, role));
  }
  if (access_state().sink) access_state().sink->reopen();
}

}  // namespace pscgi::log
