#pragma once
// What a script's parsed output means (RFC 3875 6.2): a document, a local redirect (a path for the
// gateway to serve instead), or a client redirect; or why it is none of them.

#include "apps/cgi/output_head.hpp"

#include <pscgi/response.hpp>

#include <optional>
#include <string>

namespace pscgi::apps::cgi {

struct CgiAnswer {
  ResponsePtr response;                       ///< set for a document or a client redirect
  std::optional<std::string> local_redirect;  ///< set for a local redirect: "/path?query"
  std::string error;                          ///< set when the output is not a valid response
};

/// Interprets a parsed head and body:
/// - Location without Status: a path ("/x", not "//host") is a local redirect; an absolute URL
///   (a scheme, then ':') becomes a 302 with that Location; anything else is an error.
/// - Otherwise a document with Status (default 200); a body needs a Content-Type, and 204 and 304
///   must have none.
/// The response passes the script's headers on. Without Cache-Control or Expires it is marked
/// uncacheable: a script's output is assumed to change unless the script says how long it lasts.
CgiAnswer interpret_output(const CgiHead& head);

}  // namespace pscgi::apps::cgi
