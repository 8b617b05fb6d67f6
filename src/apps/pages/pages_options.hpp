#pragma once
// The `app:` keys of the pages app (docs/apps.md, "The Markdown site").

#include <pscgi/app.hpp>

#include <string>

namespace pscgi::apps::pages {

struct PagesOptions {
  std::string root;                 ///< the site's folder, an absolute path (required)
  std::string title;                ///< the site's name, after each page's title; "" for none
  std::string index = "index.md";   ///< the file a folder URL serves
  bool listing = true;              ///< a folder without an index gets a generated listing (else 404)
};

/// Reads and checks the options with AppSettings' getters; throws AppSettingError (file, line and
/// `app.<key>`) for a missing or relative root, an index that is not a plain file name, a listing
/// that is not a boolean, and any key it does not know.
PagesOptions read_pages_options(const AppSettings& settings);

}  // namespace pscgi::apps::pages
