#include "apps/pages/pages_options.hpp"

namespace pscgi::apps::pages {

PagesOptions read_pages_options(const AppSettings& settings) {
  PagesOptions options;
  options.root = settings.text("root");
  // The workers may run anywhere: a relative root would depend on the directory pscgi started in.
  if (!options.root.starts_with('/')) settings.refuse("root", "must be an absolute path");
  options.title = settings.text("title", "");
  options.index = settings.text("index", options.index);
  // A name in each folder, never a path: "sub/index.md" or "../x" would reach elsewhere.
  if (options.index.empty()) settings.refuse("index", "must not be empty");
  if (options.index.find_first_of("/\\") != std::string::npos) settings.refuse("index", "must be a file name, not a path");
  if (options.index.starts_with('.')) settings.refuse("index", "must not start with '.' (dotfiles are never served)");
  options.listing = settings.boolean("listing", options.listing);
  settings.refuse_unknown();
  return options;
}

}  // namespace pscgi::apps::pages
