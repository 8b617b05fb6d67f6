#include "log/escape.hpp"

#include <algorithm>
#include <iterator>

namespace pscgi::log {

bool needs_escaping(std::string_view text, Field field) noexcept {
  return std::any_of(text.begin(), text.end(),
                     [field](char c) { return is_escaped_in_logs(static_cast<unsigned char>(c), field); });
}

void append_escaped(std::string& out, std::string_view text) {
  if (!needs_escaping(text)) {
    out.append(text);
    return;
  }
  write_escaped(std::back_inserter(out), text);
}

std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text);
  return out;
}

}  // namespace pscgi::log
