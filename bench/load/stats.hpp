#pragma once
/// \file
/// What one run thread counts, merged across threads at the end. Only exchanges whose origin (the
/// time a request was started, or scheduled to start in the open loop) lies in the measured window
/// are counted; warmup traffic is not.

#include "histogram.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>

namespace pscgi::load {

/// Why an exchange produced no usable response.
enum class ErrorKind : std::uint8_t {
  connect_refused,       ///< ECONNREFUSED, or ENOENT for a unix socket that is not there
  connect_backlog_full,  ///< EAGAIN from connect on a unix socket: the listen queue is full
  connect_other,         ///< any other failure to open or connect the socket (EMFILE, ...)
  reset,                 ///< ECONNRESET or EPIPE while writing or reading
  timeout,               ///< no complete response within --timeout
  eof_before_response,   ///< the server closed without sending a byte
  short_body,            ///< fewer body bytes than Content-Length
  malformed,             ///< a response that is not a valid CGI response (see response_check.hpp)
  io_other,              ///< any other read or write error
};
inline constexpr std::size_t error_kind_count = 9;

/// The short name used in reports and JSON, e.g. "connect_refused".
std::string_view error_kind_name(ErrorKind kind) noexcept;

struct Stats {
  Histogram latency_ns;              ///< responses only, errors excluded
  std::uint64_t responses = 0;       ///< complete, valid responses of any status
  std::uint64_t bytes_received = 0;  ///< every byte read, responses and errors alike
  std::map<int, std::uint64_t> statuses;
  std::array<std::uint64_t, error_kind_count> errors{};
  std::uint64_t abandoned = 0;  ///< in flight when the run ended; neither response nor error
  std::uint64_t unsent = 0;     ///< open loop: scheduled but never sent (all slots were busy)

  std::uint64_t error_total() const noexcept;
  void merge(const Stats& other);
};

}  // namespace pscgi::load
