#pragma once
/// \file
/// Responses are built once with a ResponseBuilder and are immutable from then on: they are handed
/// around as ResponsePtr (shared, const), may sit in a cache and be sent to many clients, and anything
/// that wants a different response (a 304, a HEAD answer) builds a new object.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pscgi {

struct Header {
  std::string name;
  std::string value;
};

/// What the application says about caching this response, beyond its HTTP headers.
enum class CachePolicy : std::uint8_t {
  automatic,  ///< the cache decides from status, headers and its settings
  never,      ///< never store this response (it shows one client's data)
};

class Response;
using ResponsePtr = std::shared_ptr<const Response>;

/// A finished response. Nothing can change it: there are no setters, and ResponsePtr is const.
/// The CGI-style head ("Status: 200 OK\r\n", headers, blank line) is rendered once, when it is
/// finished, and the body is the very string the application handed to ResponseBuilder::body (moved,
/// never copied): sending it again is one write of `wire_prefix()` and `body()`, however large it is.
class Response {
 public:
  int status() const noexcept { return status_; }
  std::string_view reason() const noexcept;
  const std::vector<Header>& headers() const noexcept { return headers_; }
  /// The first header with this name (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const noexcept;
  std::string_view body() const noexcept { return body_; }

  /// The status line and header lines, each ending in CRLF, without the blank line. Extra per-request
  /// headers (debug headers) are written between head and blank line, so the object itself is never touched.
  std::string_view wire_head() const noexcept { return std::string_view(head_).substr(0, head_.size() - 2); }
  /// Everything that goes on the wire before the body: wire_head() and the blank line.
  std::string_view wire_prefix() const noexcept { return head_; }
  /// How many bytes go on the wire: head, blank line, body.
  std::size_t wire_size() const noexcept { return head_.size() + body_.size(); }
  /// Everything that goes on the wire, assembled into a new string: a copy of the body, for tests and
  /// tools. The server never calls it; it writes wire_prefix() and body() where they are.
  std::string wire() const;
  /// The blank line and the body, assembled into a new string (a copy, as wire()).
  std::string wire_tail() const;

  CachePolicy cache_policy() const noexcept { return cache_policy_; }
  /// A lifetime the application asked for with ResponseBuilder::cache_for, if any.
  std::optional<std::chrono::milliseconds> lifetime() const noexcept { return lifetime_; }

  /// A new response with the same status and headers (Content-Length included) and no body: the
  /// answer to HEAD. This object is left as it is.
  ResponsePtr without_body() const;

 private:
  friend class ResponseBuilder;
  Response() = default;

  int status_ = 200;
  std::vector<Header> headers_;
  std::string head_;  ///< status line, header lines, blank line
  std::string body_;
  CachePolicy cache_policy_ = CachePolicy::automatic;
  std::optional<std::chrono::milliseconds> lifetime_;
};

/// Builds a Response. finish() validates it, adds Content-Length (except for 1xx, 204 and 304),
/// renders the head and returns the immutable object, which takes over the body string: a large page
/// is never copied on its way to the socket. It throws std::invalid_argument on an invalid response;
/// the pipeline turns that into a logged 500. Valid means (RFC 9110 5.1, 5.5):
/// - a status in 100..999;
/// - header names that are non-empty tokens (letters, digits and ``!#$%&'*+-.^_`|~``);
/// - header values of visible ASCII, space, tab and bytes 0x80-0xFF only: NUL, CR, LF, every other
///   control byte (0x01-0x1f but tab) and DEL (0x7f) are refused, so neither a line break nor a
///   terminal escape an app echoes from a request can reach the client.
///
/// A 200 response with a non-empty body and no validator of its own (no ETag and no Last-Modified
/// header) gets a strong ETag computed from its body, `"<16 hex digits>-<body length>"`, where the hex
/// digits are the XXH64 hash (seed 0) of the body: the same body gives the same ETag in every worker
/// and every run, so conditional requests work whichever worker answers. no_etag() turns this off.
class ResponseBuilder {
 public:
  explicit ResponseBuilder(int status = 200) : status_(status) {}

  ResponseBuilder& status(int code) { status_ = code; return *this; }
  /// Adds a header; repeated names are kept (Set-Cookie). Content-Length is always computed.
  ResponseBuilder& header(std::string name, std::string value);
  ResponseBuilder& content_type(std::string value) { return header("Content-Type", std::move(value)); }
  ResponseBuilder& body(std::string bytes) { body_ = std::move(bytes); return *this; }
  /// Never cache this response.
  ResponseBuilder& uncacheable() { cache_policy_ = CachePolicy::never; return *this; }
  /// Cache this response for this long (Cache-Control s-maxage/max-age and Expires still win).
  ResponseBuilder& cache_for(std::chrono::milliseconds lifetime) { lifetime_ = lifetime; return *this; }
  /// Do not compute an ETag for this response (see the class comment).
  ResponseBuilder& no_etag() { compute_etag_ = false; return *this; }

  ResponsePtr finish();

 private:
  int status_;
  std::vector<Header> headers_;
  std::string body_;
  CachePolicy cache_policy_ = CachePolicy::automatic;
  std::optional<std::chrono::milliseconds> lifetime_;
  bool compute_etag_ = true;
};

/// The standard reason phrase for a status code ("Not Found"), or "Unknown".
std::string_view reason_phrase(int status) noexcept;

/// A small text/plain response with this status and its reason phrase as the body.
ResponsePtr make_error_response(int status);

}  // namespace pscgi
