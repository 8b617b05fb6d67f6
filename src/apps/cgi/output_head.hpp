#pragma once
// The head of a CGI script's output (RFC 3875 6): header lines up to a blank line, each line ending
// in LF or CRLF. Pure: the parser sees the whole buffered output and never touches a process, so
// every malformed head can be tested as a string.

#include <pscgi/response.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pscgi::apps::cgi {

/// What a script said in its head.
struct CgiHead {
  std::optional<int> status;                ///< from `Status: NNN reason`
  std::optional<std::string> location;      ///< from `Location:`
  bool has_content_type = false;
  bool has_cache_headers = false;           ///< Cache-Control or Expires present
  /// Every header to pass on, in order: all but Status, and but the ones pscgi computes or that
  /// mean nothing over SCGI (Content-Length, Connection, Transfer-Encoding and the other hop-by-hop
  /// fields). Location and Content-Type are in here too.
  std::vector<Header> headers;
  std::string_view body;                    ///< the bytes after the blank line
};

/// The head, or why it is not one.
struct ParsedOutput {
  CgiHead head;
  std::string error;  ///< empty when the head is usable
  bool ok() const noexcept { return error.empty(); }
};

/// Parses a script's output. An error when: there is no blank line ending the head; the head is
/// empty; a line is not `Name: value` (a token name, a value without control characters but tab;
/// continuation lines are refused); Status, Location or Content-Type appears twice; Status is not
/// three digits in 200..599 (optionally followed by a space and a reason phrase). `body` views
/// `output`.
ParsedOutput parse_cgi_output(std::string_view output);

}  // namespace pscgi::apps::cgi
