#include "apps/pages/request_path.hpp"

#include "protocol/http_fields.hpp"

#include <fmt/format.h>

namespace pscgi::apps::pages {
namespace {

// Decodes one name (the bytes between two raw slashes). A decoded '/' or '\\' would join two names
// into one that the file system splits again, so it is refused here rather than decoded.
std::variant<std::string, PathRefusal> decode_name(std::string_view raw) {
  std::string name;
  name.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      const int high = i + 2 < raw.size() ? protocol::hex_digit_value(raw[i + 1]) : -1;
      const int low = i + 2 < raw.size() ? protocol::hex_digit_value(raw[i + 2]) : -1;
      if (high < 0 || low < 0) return PathRefusal{400, "a bad percent escape"};
      c = static_cast<char>(high * 16 + low);
      i += 2;
      if (c == '/') return PathRefusal{400, "an encoded slash (%2f)"};
      if (c == '\\') return PathRefusal{400, "an encoded backslash (%5c)"};
    } else if (c == '\\') {
      return PathRefusal{400, "a backslash"};
    }
    if (c == '\0') return PathRefusal{400, "a NUL byte"};
    name.push_back(c);
  }
  if (name == "." || name == "..") return PathRefusal{400, fmt::format("a \"{}\" segment", name)};
  if (name.starts_with('.')) return PathRefusal{404, "a hidden name (starting with '.')"};
  return name;
}

}  // namespace

std::variant<SitePath, PathRefusal> parse_request_path(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (!path.starts_with('/')) return PathRefusal{400, "a path that does not start with '/'"};
  SitePath result;
  std::string_view rest = path.substr(1);
  result.trailing_slash = rest.empty();  // "/" is the root folder
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view raw = rest.substr(0, slash);
    if (raw.empty()) return PathRefusal{400, "an empty segment (\"//\")"};
    auto name = decode_name(raw);
    if (auto* refusal = std::get_if<PathRefusal>(&name)) return std::move(*refusal);
    result.names.push_back(std::move(std::get<std::string>(name)));
    if (slash == std::string_view::npos) return result;
    rest.remove_prefix(slash + 1);
    result.trailing_slash = rest.empty();
  }
  return result;
}

}  // namespace pscgi::apps::pages
