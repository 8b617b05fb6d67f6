#pragma once
// The bytes of one answer as they go out: the response's own head, the per-request extra headers,
// then the blank line and body. The shared response is only read, never copied or changed; a
// partial write just moves the cursor.

#include <pscgi/response.hpp>

#include <string>
#include <sys/uio.h>
#include <vector>

namespace pscgi::protocol {

class OutgoingResponse {
 public:
  OutgoingResponse() = default;
  OutgoingResponse(ResponsePtr response, const std::vector<Header>& extra_headers);

  /// Fills `parts` with what is left to write; returns how many entries it used (0 when done).
  int pending(iovec (&parts)[3]) const noexcept;
  /// Records that `bytes` more were written.
  void advance(std::size_t bytes) noexcept { written_ += bytes; }
  bool done() const noexcept { return written_ >= total_; }
  std::size_t total() const noexcept { return total_; }
  const ResponsePtr& response() const noexcept { return response_; }

 private:
  ResponsePtr response_;
  std::string extra_;
  std::size_t written_ = 0;
  std::size_t total_ = 0;
};

}  // namespace pscgi::protocol
