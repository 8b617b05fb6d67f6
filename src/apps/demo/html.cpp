#include "apps/demo/html.hpp"

#include <fmt/format.h>

namespace pscgi::apps::demo {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string html_page(std::string_view title, std::string_view body_html) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{0}</title>\n</head>\n"
      "<body>\n<h1>{0}</h1>\n{1}</body>\n</html>\n",
      html_escape(title), body_html);
}

ResponsePtr html_response(int status, std::string body) {
  return ResponseBuilder(status).content_type("text/html; charset=utf-8").body(std::move(body)).finish();
}

ResponsePtr text_response(int status, std::string body) {
  return ResponseBuilder(status)
      .content_type("text/plain; charset=utf-8")
      .header("X-Content-Type-Options", "nosniff")
      .body(std::move(body))
      .finish();
}

}  // namespace pscgi::apps::demo
