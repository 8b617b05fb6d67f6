#include <pscgi/forms.hpp>

#include <pscgi/errors.hpp>

#include "protocol/http_fields.hpp"

#include <fmt/format.h>

namespace pscgi {
namespace {

using protocol::trim_ows;

std::string lower(std::string_view text) { return protocol::to_lower(text); }

// A parameter value: a token, or a quoted string whose backslash escapes are undone.
std::string unquote(std::string_view value) {
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') return std::string(value);
  std::string out;
  for (std::size_t i = 1; i + 1 < value.size(); ++i) {
    if (value[i] == '\\' && i + 2 < value.size()) ++i;
    out.push_back(value[i]);
  }
  return out;
}

}  // namespace

MediaType parse_media_type(std::string_view value) {
  MediaType result;
  const auto semicolon = value.find(';');
  const std::string_view type = trim_ows(value.substr(0, semicolon));
  if (type.find('/') != std::string_view::npos) result.type = lower(type);
  std::string_view params = semicolon == std::string_view::npos ? std::string_view() : value.substr(semicolon + 1);
  while (!params.empty()) {
    // A quoted value may hold a `;`, but never in a charset name: splitting at every `;` is enough.
    const auto end = params.find(';');
    const std::string_view param = params.substr(0, end);
    params = end == std::string_view::npos ? std::string_view() : params.substr(end + 1);
    const auto equals = param.find('=');
    if (equals == std::string_view::npos) continue;
    if (lower(trim_ows(param.substr(0, equals))) == "charset") result.charset = lower(unquote(trim_ows(param.substr(equals + 1))));
  }
  return result;
}

MediaType content_type(const Request& request) { return parse_media_type(request.var("CONTENT_TYPE")); }

QueryParams form(const Request& request) {
  if (request.body().empty()) return {};
  const MediaType type = content_type(request);
  if (type.type != "application/x-www-form-urlencoded") {
    throw BadRequest(fmt::format("expected a form body (application/x-www-form-urlencoded), got {}",
                                 type.type.empty() ? std::string("no content type") : type.type));
  }
  return QueryParams(request.body());
}

}  // namespace pscgi
