#include "apps/demo/html.hpp"

#include <fmt/format.h>

namespace pscgi::apps::demo {

std::string html_page_start(std::string_view title) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{0}</title>\n</head>\n"
      "<body>\n<h1>{0}</h1>\n",
      html_escape(title));
}

std::string_view html_page_end() noexcept { return "</body>\n</html>\n"; }

std::string html_page(std::string_view title, std::string_view body_html) {
  std::string page = html_page_start(title);
  page.reserve(page.size() + body_html.size() + html_page_end().size());
  page += body_html;
  page += html_page_end();
  return page;
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
