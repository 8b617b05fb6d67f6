#include "protocol/outgoing_response.hpp"

#include <algorithm>

namespace pscgi::protocol {

namespace {

constexpr std::string_view line_end = "\r\n";

// Extra headers come from stages, which may copy client data into them: a line break there would
// inject headers, so such a header is left out.
bool is_safe(const Header& h) noexcept {
  const auto unsafe = [](char c) { return c == '\r' || c == '\n' || c == '\0'; };
  if (h.name.empty() || h.name.find(':') != std::string::npos) return false;
  return std::none_of(h.name.begin(), h.name.end(), unsafe) && std::none_of(h.value.begin(), h.value.end(), unsafe);
}

std::size_t line_size(const Header& h) noexcept { return h.name.size() + 2 + h.value.size() + line_end.size(); }

// wire() is the head, the blank line, then the body: without the body, it ends after the blank line.
std::size_t wire_length(const Response& response, Body body) noexcept {
  return body == Body::send ? response.wire().size() : response.wire_head().size() + line_end.size();
}

}  // namespace

Body body_for(const Request& original) noexcept { return original.method() == "HEAD" ? Body::omit : Body::send; }

OutgoingResponse::OutgoingResponse(ResponsePtr response, const std::vector<Header>& extra_headers, Body body)
    : response_(std::move(response)), wire_length_(wire_length(*response_, body)) {
  for (const Header& h : extra_headers) {
    if (!is_safe(h)) continue;
    extra_ += h.name;
    extra_ += ": ";
    extra_ += h.value;
    extra_ += line_end;
  }
  total_ = wire_length_ + extra_.size();
}

OutgoingResponse OutgoingResponse::answer_to(Exchange& exchange) {
  return OutgoingResponse(std::move(exchange.response), exchange.extra_headers, body_for(exchange.original_request()));
}

std::size_t OutgoingResponse::size_of(const Exchange& exchange) noexcept {
  std::size_t size = wire_length(*exchange.response, body_for(exchange.original_request()));
  for (const Header& h : exchange.extra_headers) {
    if (is_safe(h)) size += line_size(h);
  }
  return size;
}

int OutgoingResponse::pending(iovec (&parts)[3]) const noexcept {
  const std::string_view wire = response_->wire().substr(0, wire_length_);
  const std::size_t head_length = response_->wire_head().size();
  const std::string_view pieces[3] = {
      extra_.empty() ? wire : wire.substr(0, head_length),
      extra_,
      extra_.empty() ? std::string_view() : wire.substr(head_length),
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
