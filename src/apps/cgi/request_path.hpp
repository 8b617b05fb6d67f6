#pragma once
// The request path as a CGI script may see it. The path comes percent-encoded (REQUEST_URI, or a
// script's local redirect); PATH_INFO is decoded (RFC 3875 4.1.5), so decoding is the gateway's
// job, and it is also where anything that could leave a script directory is refused: a dot
// segment, an encoded slash, a backslash, a NUL. Pure: no file system, no logging.

#include <string>
#include <string_view>
#include <vector>

namespace pscgi::apps::cgi {

/// A request path, decoded and checked, as its segments: "/a/b%20c" is {"a", "b c"}; "/" is {""}.
/// A trailing slash gives a last empty segment ("/a/" is {"a", ""}).
struct DecodedPath {
  std::vector<std::string> segments;
  int status = 0;       ///< 0 when the path is usable, else the status to answer (400 or 404)
  std::string problem;  ///< why it was refused, for the log

  bool ok() const noexcept { return status == 0; }
  /// The decoded path from segment `first` on, each segment after a '/': segments {"a","b"} from 1
  /// give "/b", from 0 "/a/b", from 2 "".
  std::string join_from(std::size_t first) const;
};

/// Decodes and checks a raw path (without its query). Refused with 400: a path that does not start
/// with '/', a broken escape (`%zz`), a NUL byte (raw or `%00`), a control character. Refused with
/// 404: a `.` or `..` segment (raw or encoded), an encoded slash (`%2f`), a backslash (raw or
/// encoded). 404 rather than 400 for those because they name nothing that exists here.
DecodedPath decode_request_path(std::string_view raw);

/// Splits "path?query" at the first '?'.
struct PathAndQuery {
  std::string_view path;
  std::string_view query;
};
PathAndQuery split_path_and_query(std::string_view target) noexcept;

}  // namespace pscgi::apps::cgi
