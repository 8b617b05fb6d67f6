#pragma once
/// \file
/// Why an SCGI request was rejected, as a std::error_code, and the HTTP status each reason maps to.
/// docs/protocol.md lists what the parser accepts and, for each value here, an example.

#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace pscgi::protocol {

/// Every way a request can fail to parse. Values start at 1, so a default error_code means success.
enum class ScgiError {
  /// The netstring length is not plain decimal digits: empty, signed, a leading zero, or over 10 digits.
  bad_length = 1,
  /// The netstring length is followed by something other than ':'.
  missing_colon,
  /// The header block is followed by something other than ','.
  missing_comma,
  /// The header block declares more bytes than max_header_bytes (HTTP 431).
  header_too_large,
  /// The header block is not NUL-terminated name/value pairs: a name without a value, or trailing bytes.
  odd_strings,
  /// A variable has an empty name.
  empty_name,
  /// There is no CONTENT_LENGTH variable (the block may be empty).
  missing_content_length,
  /// CONTENT_LENGTH is present but not the first variable, as the SCGI specification requires.
  content_length_not_first,
  /// CONTENT_LENGTH is not plain decimal digits, or does not fit in 64 bits.
  bad_content_length,
  /// CONTENT_LENGTH appears more than once, which could be used to smuggle a second request.
  repeated_content_length,
  /// There is no SCGI variable.
  missing_scgi,
  /// SCGI is not exactly "1".
  bad_scgi,
  /// SCGI appears more than once.
  repeated_scgi,
  /// CONTENT_LENGTH is more than max_body_bytes (HTTP 413).
  body_too_large,
  /// The peer closed the connection before the whole request arrived.
  truncated,
};

/// The category of ScgiError codes; its name is "pscgi.scgi".
const std::error_category& scgi_category() noexcept;

/// Lets `std::error_code ec = ScgiError::truncated;` and `ec == ScgiError::truncated` work.
std::error_code make_error_code(ScgiError e) noexcept;

/// The status the server answers with: 431 header_too_large, 413 body_too_large, 400 otherwise
/// (truncated included: the peer is gone, but the access log still gets a status).
int http_status(ScgiError e) noexcept;

/// The enumerator's name, e.g. "bad_length" (for logs and the test fixtures' .expect files);
/// "" for a value that is not an enumerator.
std::string_view to_string(ScgiError e) noexcept;

/// Peer bytes made fit for an error detail (they end up in log lines): escaped as every log line
/// escapes a client's bytes (log/escape.hpp: `\xNN` for what is not printable ASCII, the double
/// quote and the backslash), and more than 64 bytes are cut with "...".
std::string printable(std::string_view text);
std::string printable(char c);

}  // namespace pscgi::protocol

template <>
struct std::is_error_code_enum<pscgi::protocol::ScgiError> : std::true_type {};
