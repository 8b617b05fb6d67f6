#pragma once
// Which program answers a path. With `script:` one program answers every path; with `root:` the
// first path segment names a program directly inside the root. Nothing outside the root can be
// named: request_path.hpp refuses dot segments, encoded slashes, backslashes and NULs before any
// file is looked at, and the program's real path (symlinks resolved) must still be in the root.

#include "apps/cgi/cgi_environment.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace pscgi::apps::cgi {

/// A program to run, or the status to answer instead and why.
struct Resolution {
  std::optional<ScriptTarget> target;
  int status = 0;       ///< 400, 404 or 502 when there is no target
  std::string problem;  ///< for the log
  bool quiet = false;   ///< an ordinary 404 (no such script): logged at debug level only
};

class ScriptResolver {
 public:
  /// One program (absolute, canonical) for every path.
  static ScriptResolver single(std::string program);
  /// The programs directly inside `root` (absolute, canonical).
  static ScriptResolver directory(std::string root);

  /// The program for a raw (percent-encoded) path. For `root:`: the first segment must name an
  /// executable regular file in the root, not hidden (no leading '.'), not an nph- script (502).
  Resolution resolve(std::string_view raw_path) const;

  /// The directory a program runs in when `working_dir` is not set: its own.
  static std::string directory_of(const std::string& program);

 private:
  ScriptResolver(std::optional<std::string> program, std::optional<std::string> root)
      : program_(std::move(program)), root_(std::move(root)) {}
  Resolution resolve_in_root(std::string_view raw_path) const;

  std::optional<std::string> program_;
  std::optional<std::string> root_;
};

}  // namespace pscgi::apps::cgi
