#include "stats.hpp"

namespace pscgi::load {

std::string_view error_kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::connect_refused: return "connect_refused";
    case ErrorKind::connect_backlog_full: return "connect_backlog_full";
    case ErrorKind::connect_other: return "connect_other";
    case ErrorKind::reset: return "reset";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::eof_before_response: return "eof_before_response";
    case ErrorKind::short_body: return "short_body";
    case ErrorKind::malformed: return "malformed";
    case ErrorKind::io_other: return "io_other";
  }
  return "unknown";
}

std::uint64_t Stats::error_total() const noexcept {
  std::uint64_t total = 0;
  for (auto n : errors) total += n;
  return total;
}

void Stats::merge(const Stats& other) {
  latency_ns.merge(other.latency_ns);
  responses += other.responses;
  bytes_received += other.bytes_received;
  for (const auto& [status, n] : other.statuses) statuses[status] += n;
  for (std::size_t i = 0; i < error_kind_count; ++i) errors[i] += other.errors[i];
  abandoned += other.abandoned;
  unsent += other.unsent;
}

}  // namespace pscgi::load
