#include <pscgi/cookies.hpp>

#include "protocol/http_fields.hpp"

namespace pscgi {

using protocol::trim_ows;

Cookies::Cookies(std::string_view header) {
  while (!header.empty()) {
    const auto end = header.find(';');
    const std::string_view piece = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    const auto equals = piece.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view name = trim_ows(piece.substr(0, equals));
    std::string_view value = trim_ows(piece.substr(equals + 1));
    if (name.empty()) continue;
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    pairs_.emplace_back(name, value);
  }
}

std::optional<std::string_view> Cookies::find(std::string_view name) const noexcept {
  for (const auto& [key, value] : pairs_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Cookies cookies(const Request& request) { return Cookies(request.header("Cookie").value_or("")); }

std::optional<std::string_view> cookie(const Request& request, std::string_view name) {
  return cookies(request).find(name);
}

}  // namespace pscgi
