#include "apps/cgi/cgi_response.hpp"

#include <cctype>
#include <stdexcept>

namespace pscgi::apps::cgi {
namespace {

CgiAnswer failed(std::string error) {
  CgiAnswer answer;
  answer.error = std::move(error);
  return answer;
}

// RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':'.
bool is_absolute_url(std::string_view location) noexcept {
  const std::size_t colon = location.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!std::isalpha(static_cast<unsigned char>(location.front()))) return false;
  for (char c : location.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

bool is_local_path(std::string_view location) noexcept {
  // "//host/x" is a network-path reference, which names another server.
  return location.starts_with('/') && !location.starts_with("//");
}

CgiAnswer build(int status, const CgiHead& head) {
  ResponseBuilder builder(status);
  for (const Header& header : head.headers) builder.header(header.name, header.value);
  builder.body(std::string(head.body));
  if (!head.has_cache_headers) builder.uncacheable();
  CgiAnswer answer;
  try {
    answer.response = builder.finish();
  } catch (const std::invalid_argument& e) {
    return failed(e.what());
  }
  return answer;
}

}  // namespace

CgiAnswer interpret_output(const CgiHead& head) {
  if (head.location && !head.status) {
    if (is_local_path(*head.location)) {
      CgiAnswer answer;
      answer.local_redirect = *head.location;
      return answer;
    }
    if (!is_absolute_url(*head.location)) {
      return failed("a Location without Status must be a local path or an absolute URL: \"" +
                    head.location->substr(0, 80) + "\"");
    }
    return build(302, head);
  }
  const int status = head.status.value_or(200);
  if ((status == 204 || status == 304) && !head.body.empty()) return failed("a body with a status that has none");
  if (!head.body.empty() && !head.has_content_type) return failed("a body without Content-Type");
  return build(status, head);
}

}  // namespace pscgi::apps::cgi
