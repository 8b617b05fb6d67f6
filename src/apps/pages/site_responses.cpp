#include "apps/pages/site_responses.hpp"

#include "apps/pages/page_template.hpp"
#include "cache/http_date.hpp"

#include <fmt/format.h>
#include <xxhash.h>

namespace pscgi::apps::pages {

WallClock::time_point modified_time(const struct stat& info) noexcept {
  return WallClock::time_point(std::chrono::duration_cast<WallClock::duration>(
      std::chrono::seconds(info.st_mtim.tv_sec) + std::chrono::nanoseconds(info.st_mtim.tv_nsec)));
}

std::string strong_etag(std::string_view bytes) {
  return fmt::format("\"{:016x}-{}\"", XXH64(bytes.data(), bytes.size(), 0), bytes.size());
}

ResponsePtr content_response(std::string bytes, std::string_view content_type, WallClock::time_point modified) {
  // Last-Modified is what the file system says; the ETag is what the reader got. A page also shows its
  // folder (the navigation), so the caller passes the later of the two times, and the ETag changes
  // with the template, the navigation or the page, whichever changed.
  std::string etag = strong_etag(bytes);
  return ResponseBuilder(200)
      .content_type(std::string(content_type))
      .header("Last-Modified", cache::format_http_date(modified))
      .header("ETag", std::move(etag))
      .header("X-Content-Type-Options", "nosniff")
      .body(std::move(bytes))
      .finish();
}

ResponsePtr redirect_response(std::string location) {
  std::string body = fmt::format("<!DOCTYPE html>\n<p>Moved to <a href=\"{0}\">{0}</a>.</p>\n", html_escape(location));
  return ResponseBuilder(301)
      .header("Location", std::move(location))
      .content_type("text/html; charset=utf-8")
      .body(std::move(body))
      .finish();
}

ResponsePtr error_response(int status) {
  return ResponseBuilder(status)
      .content_type("text/plain; charset=utf-8")
      .header("X-Content-Type-Options", "nosniff")
      .body(fmt::format("{} {}\n", status, reason_phrase(status)))
      .finish();
}

}  // namespace pscgi::apps::pages
