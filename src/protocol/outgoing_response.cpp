#include "protocol/outgoing_response.hpp"

namespace pscgi::protocol {

OutgoingResponse::OutgoingResponse(ResponsePtr response, const std::vector<Header>& extra_headers)
    : response_(std::move(response)) {
  for (const Header& h : extra_headers) {
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
