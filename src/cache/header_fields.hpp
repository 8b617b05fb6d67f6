#pragma once
/// \file
/// Small helpers for reading HTTP field values: case-insensitive names, comma-separated lists
/// (RFC 9110 section 5.6.1) and the request headers nginx passes as CGI variables.

#include <pscgi/request.hpp>
#include <pscgi/response.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace pscgi::cache {

/// ASCII case-insensitive equality (header names, directive names, methods are ASCII).
bool iequals(std::string_view a, std::string_view b) noexcept;

/// Removes optional whitespace (spaces and tabs) at both ends.
std::string_view trim_ows(std::string_view s) noexcept;

/// Calls `visit(member)` for each non-empty member of a comma-separated list, trimmed. Commas inside
/// a quoted string do not split it. `visit` returns false to stop early.
template <typename Visit>
void for_each_list_member(std::string_view list, Visit&& visit) {
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    if (i < list.size()) {
      const char c = list[i];
      if (c == '"') quoted = !quoted;
      else if (c == '\\' && quoted && i + 1 < list.size()) ++i;
      if (quoted || c != ',') continue;
    }
    const std::string_view member = trim_ows(list.substr(start, i - start));
    if (!member.empty() && !visit(member)) return;
    start = i + 1;
  }
}

/// Calls `visit(member)` for each list member of every header of `response` named `name`: repeated
/// headers form one list, as RFC 9110 section 5.3 says they do.
template <typename Visit>
void for_each_response_list_member(const Response& response, std::string_view name, Visit&& visit) {
  bool go_on = true;
  for (const Header& header : response.headers()) {
    if (!go_on) return;
    if (!iequals(header.name, name)) continue;
    for_each_list_member(header.value, [&](std::string_view member) { return go_on = visit(member); });
  }
}

/// The CGI variable that carries an HTTP request header: "Accept-Encoding" -> "HTTP_ACCEPT_ENCODING".
std::string cgi_header_name(std::string_view http_name);

}  // namespace pscgi::cache
