#include "apps/demo/params.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <string>

namespace pscgi::apps::demo {

std::int64_t int_param(const QueryParams& query, std::string_view name, std::int64_t fallback, std::int64_t min,
                       std::int64_t max) {
  const std::optional<std::string> text = query.first(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  const char* const end = text->data() + text->size();
  const auto [stop, error] = std::from_chars(text->data(), end, value);
  // from_chars takes a leading '-' but not '+' or spaces; demand it consumed everything, so "5ms"
  // or "" are refused rather than half-read.
  if (text->empty() || error != std::errc() || stop != end || value < min || value > max) {
    throw BadRequest(fmt::format("bad parameter '{}': it must be a whole number from {} to {}", name, min, max));
  }
  return value;
}

bool flag_param(const QueryParams& query, std::string_view name) {
  const std::optional<std::string> text = query.first(name);
  if (!text || *text == "0") return false;
  if (*text == "1") return true;
  throw BadRequest(fmt::format("bad parameter '{}': it must be 0 or 1", name));
}

}  // namespace pscgi::apps::demo
