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

std::size_t wire_length(const Response& response, Body body) noexcept {
  return body == Body::send ? response.wire_size() : response.wire_prefix().size();
}

}  // namespace

Body body_for(const Request& original) noexcept { return original.method() == "HEAD" ? Body::omit : Body::send; }

// The extra lines end with the blank line, so that the answer is three pieces at most: the head's
// lines, the extra lines and the blank line, the body.
OutgoingResponse::OutgoingResponse(ResponsePtr response, const std::vector<Header>& extra_headers, Body body)
    : response_(std::move(response)), body_(body) {
  for (const Header& h : extra_headers) {
    if (!is_safe(h)) continue;
    extra_ += h.name;
    extra_ += ": ";
    extra_ += h.value;
    extra_ += line_end;
  }
  if (!extra_.empty()) extra_ += line_end;
  total_ = wire_length(*response_, body) + (extra_.empty() ? 0 : extra_.size() - line_end.size());
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
  const std::string_view pieces[3] = {
      extra_.empty() ? response_->wire_prefix() : response_->wire_head(),
      extra_,
      body_ == Body::send ? response_->body() : std::string_view(),
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
