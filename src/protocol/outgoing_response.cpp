#include "protocol/outgoing_response.hpp"

#include <algorithm>

namespace pscgi::protocol {

namespace {

// Extra headers come from stages, which may copy client data into them: a line break there would
// inject headers, so such a header is left out.
bool is_safe(const Header& h) noexcept {
  const auto unsafe = [](char c) { return c == '\r' || c == '\n' || c == '\0'; };
  if (h.name.empty() || h.name.find(':') != std::string::npos) return false;
  return std::none_of(h.name.begin(), h.name.end(), unsafe) && std::none_of(h.value.begin(), h.value.end(), unsafe);
}

}  // namespace

OutgoingResponse::OutgoingResponse(ResponsePtr response, const std::vector<Header>& extra_headers)
    : response_(std::move(response)) {
  for (const Header& h : extra_headers) {
    if (!is_safe(h)) continue;
    extra_ += h.name;
    extra_ += ": ";
    extra_ += h.value;
    extra_ += "\r\n";
  }
  total_ = response_->wire().size() + extra_.size();
}

int OutgoingResponse::pending(iovec (&parts)[3]) const noexcept {
  const std::string_view pieces[3] = {
      extra_.empty() ? response_->wire() : response_->wire_head(),
      extra_,
      extra_.empty() ? std::string_view() : response_->wire_tail(),
  };
  int used = 0;
  std::size_t skip = written_;
  for (std::string_view piece : pieces) {
    if (skip >= piece.size()) {
      skip -= piece.size();
      continue;
    }
    parts[used].iov_base = const_cast<char*>(piece.data() + skip);  // writev takes non-const; it only reads
    parts[used].iov_len = piece.size() - skip;
    skip = 0;
    ++used;
  }
  return used;
}

}  // namespace pscgi::protocol
