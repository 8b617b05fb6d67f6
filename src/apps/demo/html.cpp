#include "apps/demo/html.hpp"

#include <fmt/format.h>

namespace pscgi::apps::demo {

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
