#pragma once
// Small HTML and text helpers for the demo app's pages. Everything that came from the request goes
// through html_escape before it reaches an HTML page.

#include <pscgi/response.hpp>
#include <pscgi/responses.hpp>

#include <string>
#include <string_view>

namespace pscgi::apps::demo {

/// Escapes & < > " ' so the text is safe in element content and in quoted attribute values.
using pscgi::html_escape;

/// A complete HTML document. `title` is plain text (escaped here); `body_html` is trusted markup.
std::string html_page(std::string_view title, std::string_view body_html);

/// html_page in two halves, for a page whose body is written straight into the document's own string
/// (a large one, which then exists once): html_page(t, b) == html_page_start(t) + b + html_page_end().
std::string html_page_start(std::string_view title);
std::string_view html_page_end() noexcept;

/// A cacheable text/html response with this status and body.
ResponsePtr html_response(int status, std::string body);

/// A text/plain response (with nosniff, so no browser reads it as HTML).
ResponsePtr text_response(int status, std::string body);

}  // namespace pscgi::apps::demo
