#include "response_check.hpp"

#include <charconv>
#include <optional>

namespace pscgi::load {
namespace {

// pscgi-load builds without the pscgi library (see bench/CMakeLists.txt), so it keeps its own copy
// of these helpers of src/protocol/http_fields.hpp.
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::optional<std::uint64_t> parse_decimal(std::string_view s) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// "200 OK" or "200" -> 200; anything else (two digits, a letter, 1000) -> nullopt.
std::optional<int> parse_status(std::string_view value) {
  if (value.size() < 3 || (value.size() > 3 && value[3] != ' ')) return std::nullopt;
  const auto code = parse_decimal(value.substr(0, 3));
  if (!code || *code < 100) return std::nullopt;
  return static_cast<int>(*code);
}

struct Head {
  std::optional<int> status;
  std::optional<std::uint64_t> content_length;
  bool bad = false;
};

Head parse_head(std::string_view head) {
  Head parsed;
  while (!head.empty()) {
    const auto end = head.find('\n');
    const std::string_view line = head.substr(0, end);
    head = end == std::string_view::npos ? std::string_view() : head.substr(end + 1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Head{{}, {}, true};
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim_spaces(line.substr(colon + 1));
    if (iequals(name, "Status") && !parsed.status) {
      parsed.status = parse_status(value);
      if (!parsed.status) parsed.bad = true;
    } else if (iequals(name, "Content-Length")) {
      const auto length = parse_decimal(value);
      if (!length || (parsed.content_length && *parsed.content_length != *length))
        parsed.bad = true;
      parsed.content_length = length;
    }
  }
  return parsed;
}

bool bodiless(int status, bool head_request) {
  return head_request || status < 200 || status == 204 || status == 304;
}

}  // namespace

CheckedResponse check_response(std::string_view bytes, bool head_request) {
  if (bytes.empty()) return {ResponseVerdict::eof_before_response, 0, 0};
  std::size_t head_end = bytes.find("\r\n\r\n");
  std::size_t separator = 4;
  // Only look for a bare-LF end before the CRLF one, so a large body is not scanned twice.
  const std::size_t lf_end = bytes.substr(0, head_end).find("\n\n");
  if (lf_end != std::string_view::npos && lf_end < head_end) {
    head_end = lf_end;
    separator = 2;
  }
  if (head_end == std::string_view::npos) return {ResponseVerdict::malformed, 0, 0};

  const Head head = parse_head(bytes.substr(0, head_end));
  const std::size_t body = bytes.size() - head_end - separator;
  if (head.bad || !head.status) return {ResponseVerdict::malformed, 0, body};
  CheckedResponse result{ResponseVerdict::ok, *head.status, body};
  if (bodiless(*head.status, head_request)) {
    if (body != 0) result.verdict = ResponseVerdict::malformed;
  } else if (head.content_length) {
    if (body < *head.content_length) result.verdict = ResponseVerdict::short_body;
    if (body > *head.content_length) result.verdict = ResponseVerdict::malformed;
  }
  return result;
}

}  // namespace pscgi::load
