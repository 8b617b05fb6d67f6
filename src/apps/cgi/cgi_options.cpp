#include "apps/cgi/cgi_options.hpp"

#include "apps/cgi/cgi_environment.hpp"

#include <fmt/format.h>

#include <climits>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace pscgi::apps::cgi {
namespace {

// The real path of an option's file or directory (symlinks resolved), so that later checks (is a
// script inside root?) compare real paths.
std::string canonical_path(const AppSettings& settings, std::string_view key, const std::string& path) {
  if (path.empty()) settings.refuse(key, "must not be empty");
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) settings.refuse(key, fmt::format("'{}' does not exist", path));
  return resolved;
}

std::string directory_option(const AppSettings& settings, std::string_view key) {
  const std::string path = settings.text(key);
  std::string resolved = canonical_path(settings, key, path);
  struct stat info {};
  if (::stat(resolved.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    settings.refuse(key, fmt::format("'{}' is not a directory", path));
  }
  return resolved;
}

std::string script_option(const AppSettings& settings, std::string_view key) {
  const std::string path = settings.text(key);
  std::string resolved = canonical_path(settings, key, path);
  struct stat info {};
  if (::stat(resolved.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    settings.refuse(key, fmt::format("'{}' is not a regular file", path));
  }
  if (::access(resolved.c_str(), X_OK) != 0) settings.refuse(key, fmt::format("'{}' is not executable", path));
  if (is_nph_name(resolved.substr(resolved.rfind('/') + 1))) {
    settings.refuse(key, fmt::format("'{}' is an nph- script: pscgi parses every script's head and cannot pass one on", path));
  }
  return resolved;
}

void check_variable_name(const AppSettings& settings, std::string_view key, std::string_view name) {
  if (!is_variable_name(name)) settings.refuse(key, fmt::format("'{}' is not a variable name", name));
  if (is_meta_variable(name)) settings.refuse(key, fmt::format("{} is a CGI variable: scripts get it from the request", name));
}

// Read in the master when the app is made: pscgi's environment does not change afterwards.
std::vector<std::string> base_environment(const AppSettings& settings) {
  std::vector<std::string> environment;
  for (const std::string& name : settings.list("env", std::vector<std::string>{"PATH"})) {
    check_variable_name(settings, "env", name);
    if (const char* value = std::getenv(name.c_str())) environment.push_back(name + "=" + value);
  }
  for (const std::string& entry : settings.list("set_env", std::vector<std::string>{})) {
    const std::size_t equals = entry.find('=');
    if (equals == std::string::npos) settings.refuse("set_env", fmt::format("'{}' is not NAME=value", entry));
    check_variable_name(settings, "set_env", std::string_view(entry).substr(0, equals));
    environment.push_back(entry);
  }
  return environment;
}

}  // namespace

bool is_variable_name(std::string_view name) noexcept {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool is_nph_name(std::string_view file_name) noexcept { return file_name.starts_with("nph-"); }

CgiOptions read_cgi_options(const AppSettings& settings) {
  CgiOptions options;
  const bool script = settings.has("script");
  const bool root = settings.has("root");
  if (script && root) settings.refuse("root", "give either script (one program) or root (a directory of programs), not both");
  if (!script && !root) settings.refuse("script", "required: script (one program) or root (a directory of programs)");
  if (script) options.script = script_option(settings, "script");
  if (root) options.root = directory_option(settings, "root");
  if (settings.has("working_dir")) options.working_dir = directory_option(settings, "working_dir");
  options.base_environment = base_environment(settings);
  options.timeout = settings.duration("timeout", options.timeout);
  if (options.timeout <= std::chrono::milliseconds::zero()) settings.refuse("timeout", "must be more than 0");
  options.max_output = settings.size("max_output", options.max_output);
  if (options.max_output == 0) settings.refuse("max_output", "must be more than 0");
  options.pass_authorization = settings.boolean("pass_authorization", false);
  settings.refuse_unknown();
  return options;
}

}  // namespace pscgi::apps::cgi
