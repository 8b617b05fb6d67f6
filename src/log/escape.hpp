#pragma once
// The one way every log line shows bytes that came from outside (a client's URI, method, address,
// an app's or a script's message): each byte that is not printable ASCII (below 0x20, DEL and
// everything from 0x80), and the double quote and the backslash, becomes `\xNN` (two lowercase
// hex digits). So a URI cannot end a log line early, forge the next one, move a terminal's cursor
// (ESC, or C1 controls hidden in UTF-8), or close the access log's quoted request field; and since
// the backslash is escaped too, `\x0a` in a log line always means the client sent a newline.
// This is nginx's escaping of its access log. docs/security.md describes it.

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>

namespace pscgi::log {

/// Where the text goes: inside quotes or a message (spaces are kept), or a field of its own that
/// spaces separate from the next, like the access log's REMOTE_ADDR (spaces become `\x20` too, so
/// a raw peer's address cannot shift the fields after it).
enum class Field { text, space_separated };

/// True when `byte` is written as `\xNN`.
constexpr bool is_escaped_in_logs(unsigned char byte, Field field = Field::text) noexcept {
  return byte < 0x20 || byte >= 0x7f || byte == '"' || byte == '\\' || (byte == ' ' && field == Field::space_separated);
}

/// True when escaped(text) differs from text.
bool needs_escaping(std::string_view text, Field field = Field::text) noexcept;

/// Writes `text`, escaped, to `out` (an output iterator of char); returns the iterator past it.
template <typename Out>
Out write_escaped(Out out, std::string_view text, Field field = Field::text) {
  static constexpr char hex[] = "0123456789abcdef";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (!is_escaped_in_logs(byte, field)) {
      *out++ = c;
      continue;
    }
    *out++ = '\\';
    *out++ = 'x';
    *out++ = hex[byte >> 4];
    *out++ = hex[byte & 0xf];
  }
  return out;
}

/// Appends `text`, escaped, to `out`.
void append_escaped(std::string& out, std::string_view text);
/// `text`, escaped.
std::string escaped(std::string_view text);

/// Wraps text for fmt and spdlog: `spdlog::warn("refused {}", log::Escaped{uri})` writes the
/// escaped form without making a temporary string.
struct Escaped {
  std::string_view text;
  Field field = Field::text;
};

}  // namespace pscgi::log

template <>
struct fmt::formatter<pscgi::log::Escaped> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }

  template <typename FormatContext>
  auto format(const pscgi::log::Escaped& value, FormatContext& ctx) const {
    if (!pscgi::log::needs_escaping(value.text, value.field)) {
      return std::copy(value.text.begin(), value.text.end(), ctx.out());
    }
    return pscgi::log::write_escaped(ctx.out(), value.text, value.field);
  }
};
