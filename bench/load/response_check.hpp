#pragma once
/// \file
/// Judging one complete SCGI response (everything read up to EOF): a CGI-style head ("Status: 200
/// OK", header lines, a blank line) and a body whose length must match Content-Length when present.
/// Pure: no sockets, so every rule is tested on strings.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pscgi::load {

enum class ResponseVerdict : std::uint8_t {
  ok,                   ///< a head with a valid Status and a body that fits it
  eof_before_response,  ///< the connection closed without a single byte
  malformed,            ///< no blank line after the head, no or a bad Status, a bad Content-Length,
                        ///< or more body than Content-Length (or any body where none may be)
  short_body,           ///< fewer body bytes than Content-Length
};

struct CheckedResponse {
  ResponseVerdict verdict = ResponseVerdict::malformed;
  int status = 0;              ///< the Status code when the head had a valid one, else 0
  std::size_t body_bytes = 0;  ///< bytes after the blank line
};

/// Checks `bytes`. The Status header is required (pscgi always sends it; a missing one is reported
/// as malformed rather than assumed to be 200). The head may end in CRLF CRLF or, as CGI allows,
/// LF LF. A response to HEAD, and any 1xx, 204 or 304, must have no body whatever its
/// Content-Length says.
CheckedResponse check_response(std::string_view bytes, bool head_request = false);

}  // namespace pscgi::load
