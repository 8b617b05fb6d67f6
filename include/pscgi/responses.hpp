#pragma once
/// \file
/// Helpers for the common answers. Each returns a finished, immutable response; for anything more
/// (extra headers such as Set-Cookie, caching hints) use ResponseBuilder, which these are built on.
///
/// ```cpp
/// router.get("/hello/{name}", [](const Request&, const RouteParams& p) {
///   return pscgi::text(fmt::format("Hello, {}!\n", p.at("name")));
/// });
/// router.post("/items", [](const Request& r, const RouteParams&) {
///   save(pscgi::form(r).first("item"));
///   return pscgi::redirect("/items", 303);  // POST, then redirect, then GET
/// });
/// ```
///
/// JSON responses built from nlohmann::json are in pscgi/json.hpp.

#include <string>
#include <string_view>

#include <pscgi/response.hpp>

namespace pscgi {

/// `text/html; charset=utf-8`. The body is sent as it is: escape what you put into it (html_escape).
ResponsePtr html(std::string body, int status = 200);

/// `text/plain; charset=utf-8`, with `X-Content-Type-Options: nosniff` (so is every non-HTML helper
/// below: no browser may read text that echoes a client's input as HTML).
ResponsePtr text(std::string body, int status = 200);

/// `application/json` with a body that is already JSON text (no check is made). For a value to
/// serialise, see pscgi::json in pscgi/json.hpp.
ResponsePtr json_text(std::string body, int status = 200);

/// A redirect to `location` (a path such as `/items` or an absolute URL) with status 301, 302, 303,
/// 307 or 308; another status throws std::invalid_argument. 303 is the answer to a POST that should
/// be followed by a GET; 307/308 keep the method; 301/308 are permanent (and cacheable).
ResponsePtr redirect(std::string_view location, int status = 302);

/// An error page: text/plain, `<status> <reason>` and, when given, the message on a second line.
/// Cached by the usual rules (404 and 410 are in `cache.statuses` by default).
ResponsePtr error(int status, std::string_view message = {});

/// `&`, `<`, `>`, `"` and `'` as character references, for text put into HTML.
std::string html_escape(std::string_view raw);

}  // namespace pscgi
