#pragma once
/// \file
/// The one home of the small helpers for HTTP field names and values: ASCII character classes and
/// case (HTTP's grammar is ASCII, so no locale may apply), tokens, optional whitespace,
/// comma-separated lists (RFC 9110 section 5.6.1) and the CGI names nginx gives request headers.
/// The tiny ones are inline: the parser and the cache call them on every request.

#include <pscgi/response.hpp>

#include <string>
#include <string_view>

namespace pscgi::protocol {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }
constexpr bool is_alnum(char c) noexcept { return is_digit(c) || is_upper(c) || is_lower(c); }
/// The value of a hexadecimal digit (either case), or -1: for percent escapes.
constexpr int hex_digit_value(char c) noexcept {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
constexpr char to_lower(char c) noexcept { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr char to_upper(char c) noexcept { return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c; }

/// A copy with every ASCII letter lowered (or raised); other bytes are kept as they are.
std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);

/// ASCII case-insensitive equality (field names, directive names, methods are ASCII).
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

/// RFC 9110 tchar: what a field name (and, by RFC 6265, a cookie name) is made of.
constexpr bool is_token_char(char c) noexcept {
  return is_alnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

/// RFC 9110 section 5.5: what a field value may hold — visible ASCII, SP, HTAB and obs-text
/// (0x80-0xFF). Everything else (NUL, CR, LF, the other controls, DEL) is refused in responses: a
/// line break would let a client, echoed by an app, inject headers, and other controls reach
/// terminals and parsers that nginx does not clean them for.
constexpr bool is_field_value_char(char c) noexcept {
  const auto byte = static_cast<unsigned char>(c);
  return byte == '\t' || (byte >= 0x20 && byte != 0x7f);
}

/// The position of the first byte of `value` that is_field_value_char() refuses, or npos.
constexpr std::size_t find_invalid_field_value_char(std::string_view value) noexcept {
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!is_field_value_char(value[i])) return i;
  }
  return std::string_view::npos;
}

/// Removes optional whitespace (spaces and tabs) at both ends.
constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

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

}  // namespace pscgi::protocol
