#pragma once
// What the fuzz targets share: invariant checks that stop every build (release and g++ replay
// included), and a plain-text input format that seeds can be written in by hand:
//
//   REQUEST_METHOD=GET          request: CGI variables, one NAME=value a line, up to a blank line
//   HTTP_IF_NONE_MATCH="x"
//
//   200                         response: the status, then `Name: value` lines up to a blank line,
//   ETag: "x"                   then the body (the rest of the input)
//
//   body
//
// Lines end in LF; a CR before it is kept as part of the line, so that it reaches the code under test.

#include <pscgi/request.hpp>
#include <pscgi/response.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pscgi::fuzz {

inline void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

/// True when `text` holds a byte ResponseBuilder refuses in a header value (a control byte but tab,
/// or DEL): an app that echoes such a target in a Location gets std::invalid_argument (a logged 500).
inline bool has_control_byte(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) return true;
  }
  return false;
}

/// Takes the next line (without its LF) off the front of `text`.
inline std::string_view next_line(std::string_view& text) {
  const std::size_t end = text.find('\n');
  const std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return line;
}

/// The request part: NAME=value lines up to a blank line (a line without '=' is a name with an empty value).
inline Request read_request(std::string_view& text) {
  std::vector<std::pair<std::string, std::string>> variables;
  while (!text.empty()) {
    const std::string_view line = next_line(text);
    if (line.empty()) break;
    const std::size_t equals = line.find('=');
    variables.emplace_back(std::string(line.substr(0, equals)),
                           equals == std::string_view::npos ? std::string() : std::string(line.substr(equals + 1)));
  }
  return Request::from_variables(variables);
}

/// The response part: a status line, `Name: value` lines, a blank line, the body. nullopt when
/// ResponseBuilder refuses it (a bad status or a CR/LF/NUL in a header): that is its documented answer.
inline ResponsePtr read_response(std::string_view text) {
  const std::string_view status_line = next_line(text);
  int status = 200;
  std::from_chars(status_line.data(), status_line.data() + status_line.size(), status);
  ResponseBuilder builder(status);
  while (!text.empty()) {
    const std::string_view line = next_line(text);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
    builder.header(std::string(line.substr(0, colon)), std::string(value));
  }
  builder.body(std::string(text));
  try {
    return builder.finish();
  } catch (const std::invalid_argument&) {
    return nullptr;
  }
}

}  // namespace pscgi::fuzz
