#include "apps/cgi/request_path.hpp"

#include "protocol/http_fields.hpp"

#include <fmt/format.h>

namespace pscgi::apps::cgi {
namespace {

DecodedPath refused(int status, std::string problem) {
  DecodedPath result;
  result.status = status;
  result.problem = std::move(problem);
  return result;
}

// One segment (no '/' in it) decoded, or the status and reason it is refused with.
struct SegmentResult {
  std::string text;
  int status = 0;
  std::string problem;
};

SegmentResult decode_segment(std::string_view raw) {
  SegmentResult result;
  result.text.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) return {{}, 400, "a broken percent escape"};
      const int high = protocol::hex_digit_value(raw[i + 1]);
      const int low = protocol::hex_digit_value(raw[i + 2]);
      if (high < 0 || low < 0) return {{}, 400, "a broken percent escape"};
      c = static_cast<char>(high * 16 + low);
      i += 2;
      // An encoded slash would let one segment name a file further down (or up) the tree.
      if (c == '/') return {{}, 404, "an encoded slash (%2f)"};
    }
    if (c == '\0') return {{}, 400, "a NUL byte"};
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return {{}, 400, "a control character"};
    if (c == '\\') return {{}, 404, "a backslash"};
    result.text.push_back(c);
  }
  if (result.text == "." || result.text == "..") return {{}, 404, fmt::format("a '{}' segment", result.text)};
  return result;
}

}  // namespace

std::string DecodedPath::join_from(std::size_t first) const {
  std::string path;
  for (std::size_t i = first; i < segments.size(); ++i) {
    path.push_back('/');
    path += segments[i];
  }
  return path;
}

DecodedPath decode_request_path(std::string_view raw) {
  if (raw.empty() || raw.front() != '/') return refused(400, "the path does not start with '/'");
  DecodedPath result;
  std::string_view rest = raw.substr(1);
  for (;;) {
    const std::size_t slash = rest.find('/');
    SegmentResult segment = decode_segment(rest.substr(0, slash));
    if (segment.status != 0) return refused(segment.status, std::move(segment.problem));
    result.segments.push_back(std::move(segment.text));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return result;
}

PathAndQuery split_path_and_query(std::string_view target) noexcept {
  const std::size_t mark = target.find('?');
  if (mark == std::string_view::npos) return {target, {}};
  return {target.substr(0, mark), target.substr(mark + 1)};
}

}  // namespace pscgi::apps::cgi
