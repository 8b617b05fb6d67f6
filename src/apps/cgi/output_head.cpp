#include "apps/cgi/output_head.hpp"

#include "protocol/http_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace pscgi::apps::cgi {
namespace {

using protocol::iequals;

// Fields the gateway drops: Content-Length is computed from the body pscgi sends; the rest are
// hop-by-hop (RFC 9110 7.6.1) and belong to nginx's connection with the client, not to the script.
constexpr std::array<std::string_view, 8> dropped_fields{
    "Content-Length", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection"};

bool is_dropped(std::string_view name) noexcept {
  return std::any_of(dropped_fields.begin(), dropped_fields.end(), [&](std::string_view d) { return iequals(d, name); });
}

// "404", "404 Not Found" → 404; anything else → nullopt.
std::optional<int> parse_status(std::string_view value) noexcept {
  if (value.size() < 3 || (value.size() > 3 && value[3] != ' ')) return std::nullopt;
  int code = 0;
  for (char c : value.substr(0, 3)) {
    if (c < '0' || c > '9') return std::nullopt;
    code = code * 10 + (c - '0');
  }
  if (code < 200 || code > 599) return std::nullopt;
  return code;
}

// A head line as quoted in an error: scripts that write garbage may write a lot of it.
std::string_view excerpt(std::string_view line) noexcept { return line.substr(0, 80); }

// Applies one `Name: value` line to the head; returns an error message, or "" when it is fine.
std::string apply_field(std::string_view line, CgiHead& head) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return fmt::format("a head line without a colon: \"{}\"", excerpt(line));
  const std::string_view name = line.substr(0, colon);
  const std::string_view value = protocol::trim_ows(line.substr(colon + 1));
  if (name.empty() || !std::all_of(name.begin(), name.end(), protocol::is_token_char)) {
    return fmt::format("an invalid header name: \"{}\"", excerpt(line));
  }
  // The rule ResponseBuilder applies (RFC 9110 5.5), checked here so the error names the script's line.
  if (protocol::find_invalid_field_value_char(value) != std::string_view::npos) return fmt::format("a control character in the value of {}", excerpt(name));
  if (iequals(name, "Status")) {
    if (head.status) return "Status given twice";
    head.status = parse_status(value);
    if (!head.status) return fmt::format("an invalid Status: \"{}\"", excerpt(value));
    return {};
  }
  if (iequals(name, "Location")) {
    if (head.location) return "Location given twice";
    if (value.empty()) return "an empty Location";
    head.location = std::string(value);
  }
  if (iequals(name, "Content-Type")) {
    if (head.has_content_type) return "Content-Type given twice";
    head.has_content_type = true;
  }
  if (iequals(name, "Cache-Control") || iequals(name, "Expires")) head.has_cache_headers = true;
  if (!is_dropped(name)) head.headers.push_back({std::string(name), std::string(value)});
  return {};
}

ParsedOutput failed(std::string error) {
  ParsedOutput result;
  result.error = std::move(error);
  return result;
}

}  // namespace

ParsedOutput parse_cgi_output(std::string_view output) {
  ParsedOutput result;
  std::size_t position = 0;
  for (;;) {
    const std::size_t newline = output.find('\n', position);
    if (newline == std::string_view::npos) {
      return failed(position == 0 && output.empty() ? "no output" : "the head does not end with a blank line");
    }
    std::string_view line = output.substr(position, newline - position);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    position = newline + 1;
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') return failed("a folded (continuation) head line");
    if (std::string error = apply_field(line, result.head); !error.empty()) return failed(std::move(error));
  }
  if (!result.head.status && !result.head.location && result.head.headers.empty()) return failed("an empty head");
  result.head.body = output.substr(position);
  return result;
}

}  // namespace pscgi::apps::cgi
