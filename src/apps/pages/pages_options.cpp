#include "apps/pages/pages_options.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace pscgi::apps::pages {
namespace {

[[noreturn]] void refuse(std::string_view key, std::string_view problem) {
  throw std::invalid_argument(fmt::format("app.{}: {}", key, problem));
}

bool read_boolean(std::string_view key, const std::string& value) {
  if (value == "true" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "no" || value == "off") return false;
  refuse(key, fmt::format("\"{}\" is not a boolean (true or false)", value));
}

void check_index_name(const std::string& index) {
  // A name in each folder, never a path: "sub/index.md" or "../x" would reach elsewhere.
  if (index.empty()) refuse("index", "must not be empty");
  if (index.find('/') != std::string::npos || index.find('\\') != std::string::npos)
    refuse("index", "must be a file name, not a path");
  if (index.starts_with('.')) refuse("index", "must not start with '.' (dotfiles are never served)");
}

}  // namespace

PagesOptions read_pages_options(const AppSettings& settings) {
  PagesOptions options;
  bool has_root = false;
  for (const auto& [key, value] : settings.options) {
    if (key == "root") {
      if (!value.starts_with('/')) refuse("root", fmt::format("\"{}\" must be an absolute path", value));
      options.root = value;
      has_root = true;
    } else if (key == "title") {
      options.title = value;
    } else if (key == "index") {
      check_index_name(value);
      options.index = value;
    } else if (key == "listing") {
      options.listing = read_boolean(key, value);
    } else {
      refuse(key, "unknown option (the pages app takes root, title, index, listing)");
    }
  }
  if (!has_root) refuse("root", "required (the folder of Markdown files to serve)");
  return options;
}

}  // namespace pscgi::apps::pages
