#pragma once
/// \file
/// Reading what a client sends besides the path: the body's content type, and HTML form bodies
/// (`application/x-www-form-urlencoded`, what a `<form method="post">` sends by default).
/// Multipart bodies (file uploads) are not parsed here.

#include <string>
#include <string_view>

#include <pscgi/query.hpp>
#include <pscgi/request.hpp>

namespace pscgi {

/// A Content-Type value split into its media type and charset.
struct MediaType {
  std::string type;     ///< `type/subtype`, lower-case, without parameters: `text/html`; "" when absent
  std::string charset;  ///< the `charset` parameter, lower-case and unquoted: `utf-8`; "" when absent
};

/// Parses a Content-Type value (RFC 9110, 8.3): `Text/HTML; Charset="UTF-8"` gives `text/html` and
/// `utf-8`. A value without a `/` gives an empty type. Other parameters are ignored.
MediaType parse_media_type(std::string_view value);

/// The request body's media type, from CONTENT_TYPE.
MediaType content_type(const Request& request);

/// The request's form fields: the body when it is `application/x-www-form-urlencoded`, decoded like a
/// query string (`+` is a space, `%XX` escapes; repeated names kept in order; see QueryParams).
/// An empty body gives no fields whatever its type. A non-empty body of another type (JSON,
/// multipart) throws BadRequest (a 400 naming the type found), so a handler can read fields without
/// checking the type first. The query string is not included: use QueryParams(request.query()).
QueryParams form(const Request& request);

}  // namespace pscgi
