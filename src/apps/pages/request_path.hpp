#pragma once
// The first gate of the pages app: the request's path, percent-decoded and split into names, with
// everything that could name a file outside the site refused before any file is touched. The
// second gate is SiteRoot, which opens the names beneath the root and nowhere else.

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pscgi::apps::pages {

/// A path the site may look up: names relative to the root, none empty, none "." or "..", none with
/// a '/', '\\' or NUL byte in it.
struct SitePath {
  std::vector<std::string> names;
  bool trailing_slash = false;  ///< "/dir/" (and "/"): the client asked for a folder

  bool is_root() const noexcept { return names.empty(); }
};

/// Why a path was refused: `status` is 400 for a malformed or hostile path, 404 for a hidden name
/// (one starting with '.'); `reason` is for the log line.
struct PathRefusal {
  int status = 400;
  std::string reason;
};

/// Reads the path part of a request target (up to '?', the query is not looked at). Refuses: a path
/// that does not start with '/', a bad percent escape, an encoded '/' or '\\' (%2f, %5c), a NUL byte
/// (%00), a raw backslash, an empty name ("//"), "." and ".." in any spelling (%2e%2e), and names
/// starting with '.' (dotfiles such as .git are never served).
std::variant<SitePath, PathRefusal> parse_request_path(std::string_view target);

}  // namespace pscgi::apps::pages
