#include <pscgi/responses.hpp>

#include <fmt/format.h>

#include <stdexcept>
#include <utility>

namespace pscgi {
namespace {

ResponsePtr with_type(std::string_view type, std::string body, int status) {
  return ResponseBuilder(status).content_type(std::string(type)).body(std::move(body)).finish();
}

// Text that may carry what a client sent (an error message, a location) must never be sniffed
// into HTML by a browser.
ResponsePtr unsniffable(std::string_view type, std::string body, int status) {
  return ResponseBuilder(status)
      .content_type(std::string(type))
      .header("X-Content-Type-Options", "nosniff")
      .body(std::move(body))
      .finish();
}

bool is_redirect_status(int status) noexcept {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

ResponsePtr html(std::string body, int status) { return with_type("text/html; charset=utf-8", std::move(body), status); }

ResponsePtr text(std::string body, int status) {
  return unsniffable("text/plain; charset=utf-8", std::move(body), status);
}

ResponsePtr json_text(std::string body, int status) { return unsniffable("application/json", std::move(body), status); }

ResponsePtr redirect(std::string_view location, int status) {
  if (!is_redirect_status(status)) {
    throw std::invalid_argument(fmt::format("redirect status must be 301, 302, 303, 307 or 308, got {}", status));
  }
  if (location.empty()) throw std::invalid_argument("redirect needs a location");
  // A short note for clients that do not follow redirects (RFC 9110, 15.4); text, so nothing to escape.
  return ResponseBuilder(status)
      .header("Location", std::string(location))
      .content_type("text/plain; charset=utf-8")
      .header("X-Content-Type-Options", "nosniff")
      .body(fmt::format("{} {}: {}\n", status, reason_phrase(status), location))
      .finish();
}

ResponsePtr error(int status, std::string_view message) {
  std::string body = fmt::format("{} {}\n", status, reason_phrase(status));
  if (!message.empty()) body += fmt::format("{}\n", message);
  return text(std::move(body), status);
}

std::string html_escape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() + raw.size() / 8);
  for (char c : raw) {
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

}  // namespace pscgi
