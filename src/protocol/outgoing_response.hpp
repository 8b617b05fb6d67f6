#pragma once
// The bytes of one answer as they go out: the response's own head, the per-request extra headers,
// then the blank line and the body. The shared response is only read, never copied or changed; a
// partial write just moves the cursor. Its body goes to the socket from the application's own string.
//
// HEAD is decided here and nowhere else (docs/architecture.md, "Where HEAD is decided"): whatever
// response the pipeline produced for a HEAD request, from the cache or the application, the client
// gets its head — Content-Length included — and never its body. Stages hand on whole responses.

#include <pscgi/exchange.hpp>
#include <pscgi/response.hpp>

#include <cstdint>
#include <string>
#include <sys/uio.h>
#include <vector>

namespace pscgi::protocol {

/// Whether an answer's body goes on the wire.
enum class Body : std::uint8_t {
  send,  ///< head, blank line, body
  omit,  ///< head and blank line only: the answer to HEAD, whose Content-Length is the body's
};

/// Body::omit when the client's method is HEAD, Body::send otherwise. Pass the request as the client
/// sent it (Exchange::original_request()), not one a stage ran it as.
Body body_for(const Request& original) noexcept;

class OutgoingResponse {
 public:
  OutgoingResponse() = default;
  OutgoingResponse(ResponsePtr response, const std::vector<Header>& extra_headers, Body body = Body::send);

  /// The answer to `exchange` as its client gets it: takes exchange.response (which must be set, as
  /// Pipeline::run leaves it), adds exchange.extra_headers, and leaves the body out for HEAD.
  static OutgoingResponse answer_to(Exchange& exchange);
  /// The number of bytes answer_to(exchange) writes, without building it (for the access log).
  static std::size_t size_of(const Exchange& exchange) noexcept;

  /// Fills `parts` with what is left to write; returns how many entries it used (0 when done).
  int pending(iovec (&parts)[3]) const noexcept;
  /// Records that `bytes` more were written.
  void advance(std::size_t bytes) noexcept { written_ += bytes; }
  bool done() const noexcept { return written_ >= total_; }
  std::size_t total() const noexcept { return total_; }
  std::size_t written() const noexcept { return written_; }
  /// The bytes this answer keeps alive: the whole response object it shares (the cache's, perhaps),
  /// as long as it is held, and its own extra header lines.
  std::size_t shared_bytes() const noexcept { return response_ ? response_->wire_size() : 0; }
  std::size_t own_bytes() const noexcept { return extra_.size(); }
  const ResponsePtr& response() const noexcept { return response_; }

 private:
  ResponsePtr response_;
  std::string extra_;  ///< the extra header lines, then the blank line; empty when there are none
  Body body_ = Body::send;
  std::size_t written_ = 0;
  std::size_t total_ = 0;
};

}  // namespace pscgi::protocol
