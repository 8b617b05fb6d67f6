#pragma once
// What a client receives for an exchange: the bytes OutgoingResponse::answer_to writes — the one
// place HEAD is decided — split at the blank line. Stage tests check HEAD answers through it.

#include "protocol/outgoing_response.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace pscgi::protocol::test_support {

struct ReceivedAnswer {
  std::string bytes;  ///< everything written
  std::string head;   ///< the status and header lines, each ending in CRLF, without the blank line
  std::string body;   ///< everything after the blank line

  /// The value of the first header line called exactly `name`, or nullopt.
  std::optional<std::string> header(std::string_view name) const {
    const std::string prefix = "\r\n" + std::string(name) + ": ";
    const std::string lines = "\r\n" + head;
    const std::size_t at = lines.find(prefix);
    if (at == std::string::npos) return std::nullopt;
    const std::size_t from = at + prefix.size();
    return lines.substr(from, lines.find("\r\n", from) - from);
  }
};

/// Collects every byte `outgoing` has to write, as a writer that can only take a few bytes at a time
/// would, so that a cursor moving across the pieces is exercised too.
inline std::string written_bytes(protocol::OutgoingResponse outgoing, std::size_t step = 7) {
  std::string bytes;
  while (!outgoing.done()) {
    iovec parts[3];
    const int used = outgoing.pending(parts);
    if (used == 0) break;
    const std::size_t n = std::min(step, parts[0].iov_len);
    bytes.append(static_cast<const char*>(parts[0].iov_base), n);
    outgoing.advance(n);
  }
  return bytes;
}

/// What the client of `exchange` receives. Takes exchange.response, as the connection does.
inline ReceivedAnswer receive(Exchange& exchange) {
  ReceivedAnswer answer;
  answer.bytes = written_bytes(protocol::OutgoingResponse::answer_to(exchange));
  const std::size_t blank = answer.bytes.find("\r\n\r\n");
  if (blank == std::string::npos) return answer;
  answer.head = answer.bytes.substr(0, blank + 2);
  answer.body = answer.bytes.substr(blank + 4);
  return answer;
}

}  // namespace pscgi::protocol::test_support
