#include <pscgi/response.hpp>

#include "protocol/http_fields.hpp"

#include <fmt/format.h>
#include <xxhash.h>

#include <cstdint>
#include <stdexcept>

namespace pscgi {
namespace {

using protocol::iequals;
using protocol::is_token_char;

// A header that could smuggle a line break would let an application (or a client echoed by one)
// inject headers or a second response, and other control bytes reach the client's terminal or
// parser: finish() refuses both (RFC 9110 5.1 and 5.5). The messages name the byte, never write it:
// they end up in the pipeline's log line.
void check_header(const Header& h) {
  if (h.name.empty()) throw std::invalid_argument("response header with an empty name");
  for (std::size_t i = 0; i < h.name.size(); ++i) {
    if (!is_token_char(h.name[i])) {
      throw std::invalid_argument(fmt::format("response header name '{}...' has byte 0x{:02x}, not allowed in a token",
                                              h.name.substr(0, i), static_cast<unsigned char>(h.name[i])));
    }
  }
  if (const std::size_t bad = protocol::find_invalid_field_value_char(h.value); bad != std::string::npos) {
    throw std::invalid_argument(fmt::format("control byte 0x{:02x} (CR, LF, NUL, DEL and controls but tab are refused) "
                                            "in the value of response header '{}'",
                                            static_cast<unsigned char>(h.value[bad]), h.name));
  }
}

bool status_has_no_body(int status) noexcept { return status < 200 || status == 204 || status == 304; }

// XXH64 (seed 0) for the body ETag: fast (several GB/s), well mixed, fixed by a specification rather
// than by the standard library (std::hash may change between builds), and checkable with other tools
// (`xxhsum -H1`).
std::uint64_t body_hash(std::string_view body) noexcept { return XXH64(body.data(), body.size(), 0); }

bool has_header(const std::vector<Header>& headers, std::string_view name) noexcept {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return true;
  }
  return false;
}

}  // namespace

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

std::string_view Response::reason() const noexcept { return reason_phrase(status_); }

std::string Response::wire() const {
  std::string wire;
  wire.reserve(wire_size());
  wire += head_;
  wire += body_;
  return wire;
}

std::string Response::wire_tail() const {
  std::string tail = "\r\n";
  tail += body_;
  return tail;
}

std::optional<std::string_view> Response::header(std::string_view name) const noexcept {
  for (const Header& h : headers_) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

// Everything but the body, which is the one part that may be large.
ResponsePtr Response::without_body() const {
  auto copy = std::shared_ptr<Response>(new Response());
  copy->status_ = status_;
  copy->headers_ = headers_;
  copy->head_ = head_;
  copy->cache_policy_ = cache_policy_;
  copy->lifetime_ = lifetime_;
  return copy;
}

ResponseBuilder& ResponseBuilder::header(std::string name, std::string value) {
  headers_.push_back({std::move(name), std::move(value)});
  return *this;
}

ResponsePtr ResponseBuilder::finish() {
  if (status_ < 100 || status_ > 999) throw std::invalid_argument(fmt::format("invalid response status {}", status_));
  auto response = std::shared_ptr<Response>(new Response());
  response->status_ = status_;
  response->cache_policy_ = cache_policy_;
  response->lifetime_ = lifetime_;
  response->headers_.reserve(headers_.size() + 2);
  for (Header& h : headers_) {
    check_header(h);
    if (iequals(h.name, "Content-Length") || iequals(h.name, "Status")) continue;  // computed below
    response->headers_.push_back(std::move(h));
  }
  const bool bodiless = status_has_no_body(status_);
  if (bodiless) body_.clear();
  // Only a 200 gets a computed validator: that is the only status a 304 may stand for.
  if (compute_etag_ && status_ == 200 && !body_.empty() && !has_header(response->headers_, "ETag") &&
      !has_header(response->headers_, "Last-Modified")) {
    response->headers_.push_back({"ETag", fmt::format("\"{:016x}-{}\"", body_hash(body_), body_.size())});
  }
  if (!bodiless) response->headers_.push_back({"Content-Length", std::to_string(body_.size())});

  std::size_t head_size = 32;
  for (const Header& h : response->headers_) head_size += h.name.size() + h.value.size() + 4;
  std::string& head = response->head_;
  head.reserve(head_size + 2);
  fmt::format_to(std::back_inserter(head), "Status: {} {}\r\n", status_, reason_phrase(status_));
  for (const Header& h : response->headers_) {
    head += h.name;
    head += ": ";
    head += h.value;
    head += "\r\n";
  }
  head += "\r\n";
  // Taken, not copied: the body may be the largest thing the worker ever holds.
  response->body_ = std::move(body_);
  headers_.clear();
  body_ = std::string();
  return response;
}

ResponsePtr make_error_response(int status) {
  return ResponseBuilder(status)
      .content_type("text/plain; charset=utf-8")
      .header("Cache-Control", "no-store")
      .body(fmt::format("{} {}\n", status, reason_phrase(status)))
      .uncacheable()
      .finish();
}

}  // namespace pscgi
