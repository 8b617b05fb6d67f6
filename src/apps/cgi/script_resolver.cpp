#include "apps/cgi/script_resolver.hpp"

#include "apps/cgi/cgi_options.hpp"
#include "apps/cgi/request_path.hpp"

#include <fmt/format.h>

#include <climits>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace pscgi::apps::cgi {
namespace {

Resolution refuse(int status, std::string problem, bool quiet = false) {
  Resolution result;
  result.status = status;
  result.problem = std::move(problem);
  result.quiet = quiet;
  return result;
}

// The file's real path when it is an executable regular file inside `root`; else why not.
Resolution check_program(const std::string& root, const std::string& name) {
  const std::string prefix = root.ends_with('/') ? root : root + "/";
  const std::string candidate = prefix + name;
  char resolved[PATH_MAX];
  if (::realpath(candidate.c_str(), resolved) == nullptr) {
    return refuse(404, fmt::format("no script '{}' in {}", name, root), errno == ENOENT || errno == ENOTDIR);
  }
  const std::string real = resolved;
  // A symlink may point elsewhere in the root, never out of it.
  if (!real.starts_with(prefix) || real.find('/', prefix.size()) != std::string::npos) {
    return refuse(404, fmt::format("'{}' leads out of {} (to {})", name, root, real));
  }
  struct stat info {};
  if (::stat(real.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return refuse(404, fmt::format("'{}' is not a regular file", real));
  }
  if (::access(real.c_str(), X_OK) != 0) return refuse(404, fmt::format("'{}' is not executable", real));
  Resolution result;
  result.target = ScriptTarget{real, "", ""};
  return result;
}

}  // namespace

ScriptResolver ScriptResolver::single(std::string program) { return ScriptResolver(std::move(program), std::nullopt); }

ScriptResolver ScriptResolver::directory(std::string root) { return ScriptResolver(std::nullopt, std::move(root)); }

std::string ScriptResolver::directory_of(const std::string& program) {
  const std::size_t slash = program.rfind('/');
  return slash == 0 || slash == std::string::npos ? std::string("/") : program.substr(0, slash);
}

Resolution ScriptResolver::resolve(std::string_view raw_path) const {
  if (root_) return resolve_in_root(raw_path);
  const DecodedPath path = decode_request_path(raw_path);
  if (!path.ok()) return refuse(path.status, fmt::format("refused path: {}", path.problem));
  Resolution result;
  result.target = ScriptTarget{*program_, "", path.join_from(0)};
  return result;
}

Resolution ScriptResolver::resolve_in_root(std::string_view raw_path) const {
  const DecodedPath path = decode_request_path(raw_path);
  if (!path.ok()) return refuse(path.status, fmt::format("refused path: {}", path.problem));
  const std::string& name = path.segments.front();
  if (name.empty()) return refuse(404, "no script named in the path", true);
  if (name.front() == '.') return refuse(404, fmt::format("'{}' is hidden", name));
  if (is_nph_name(name)) return refuse(502, fmt::format("'{}' is an nph- script, which pscgi does not run", name));
  Resolution result = check_program(*root_, name);
  if (!result.target) return result;
  result.target->script_name = "/" + name;
  result.target->path_info = path.join_from(1);
  return result;
}

}  // namespace pscgi::apps::cgi
