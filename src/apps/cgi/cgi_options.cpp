#include "apps/cgi/cgi_options.hpp"

#include "apps/cgi/cgi_environment.hpp"
#include "config/units.hpp"

#include <fmt/format.h>

#include <climits>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace pscgi::apps::cgi {
namespace {

// Reads app options the way AppSettings' typed getters will (wip/api): each read marks the key,
// errors name `app.<key>`. Replaced by those getters once they are merged.
class OptionReader {
 public:
  explicit OptionReader(const AppSettings& settings) : options_(settings.options) {}

  std::optional<std::string> text(const std::string& key) {
    read_.insert(key);
    auto it = options_.find(key);
    if (it == options_.end()) return std::nullopt;
    return it->second;
  }
  std::chrono::milliseconds duration(const std::string& key, std::chrono::milliseconds fallback) {
    return parsed(key, fallback, [](const std::string& v) { return config::parse_duration(v); });
  }
  std::uint64_t size(const std::string& key, std::uint64_t fallback) {
    return parsed(key, fallback, [](const std::string& v) { return config::parse_size(v); });
  }
  bool boolean(const std::string& key, bool fallback) {
    return parsed(key, fallback, [](const std::string& v) {
      if (v == "true") return true;
      if (v == "false") return false;
      throw std::invalid_argument(fmt::format("'{}' is not true or false", v));
    });
  }
  // Until app options can be YAML sequences, a list is one scalar: items separated by commas.
  std::vector<std::string> list(const std::string& key, std::vector<std::string> fallback) {
    const auto value = text(key);
    if (!value) return fallback;
    std::vector<std::string> items;
    std::string_view rest = *value;
    while (!rest.empty()) {
      const std::size_t comma = std::min(rest.find(','), rest.size());
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (!item.empty()) items.emplace_back(item);
      rest.remove_prefix(std::min(comma + 1, rest.size()));
    }
    return items;
  }
  void refuse_unknown() const {
    for (const auto& [key, value] : options_) {
      if (!read_.contains(key)) throw std::invalid_argument(fmt::format("app.{}: unknown option", key));
    }
  }

 private:
  template <typename T, typename Parse>
  T parsed(const std::string& key, T fallback, Parse parse) {
    const auto value = text(key);
    if (!value) return fallback;
    try {
      return parse(*value);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("app.{}: {}", key, e.what()));
    }
  }

  const std::map<std::string, std::string>& options_;
  std::set<std::string> read_;
};

[[noreturn]] void fail(std::string_view key, std::string_view problem) {
  throw std::invalid_argument(fmt::format("app.{}: {}", key, problem));
}

std::string canonical_path(std::string_view key, const std::string& path) {
  if (path.empty()) fail(key, "must not be empty");
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) fail(key, fmt::format("'{}' does not exist", path));
  return resolved;
}

std::string directory_option(std::string_view key, const std::string& path) {
  std::string resolved = canonical_path(key, path);
  struct stat info {};
  if (::stat(resolved.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) fail(key, fmt::format("'{}' is not a directory", path));
  return resolved;
}

std::string script_option(std::string_view key, const std::string& path) {
  std::string resolved = canonical_path(key, path);
  struct stat info {};
  if (::stat(resolved.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) fail(key, fmt::format("'{}' is not a regular file", path));
  if (::access(resolved.c_str(), X_OK) != 0) fail(key, fmt::format("'{}' is not executable", path));
  if (is_nph_name(resolved.substr(resolved.rfind('/') + 1))) {
    fail(key, fmt::format("'{}' is an nph- script: pscgi parses every script's head and cannot pass one on", path));
  }
  return resolved;
}

void check_variable_name(std::string_view key, std::string_view name) {
  if (!is_variable_name(name)) fail(key, fmt::format("'{}' is not a variable name", name));
  if (is_meta_variable(name)) fail(key, fmt::format("{} is a CGI variable: scripts get it from the request", name));
}

std::vector<std::string> base_environment(OptionReader& reader) {
  std::vector<std::string> environment;
  for (const std::string& name : reader.list("env", {"PATH"})) {
    check_variable_name("env", name);
    if (const char* value = std::getenv(name.c_str())) environment.push_back(name + "=" + value);
  }
  for (const std::string& entry : reader.list("set_env", {})) {
    const std::size_t equals = entry.find('=');
    if (equals == std::string::npos) fail("set_env", fmt::format("'{}' is not NAME=value", entry));
    check_variable_name("set_env", std::string_view(entry).substr(0, equals));
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
  OptionReader reader(settings);
  CgiOptions options;
  const auto script = reader.text("script");
  const auto root = reader.text("root");
  if (script && root) fail("script", "give either script (one program) or root (a directory of programs), not both");
  if (!script && !root) fail("script", "required: script (one program) or root (a directory of programs)");
  if (script) options.script = script_option("script", *script);
  if (root) options.root = directory_option("root", *root);
  if (const auto working_dir = reader.text("working_dir")) options.working_dir = directory_option("working_dir", *working_dir);
  options.base_environment = base_environment(reader);
  options.timeout = reader.duration("timeout", options.timeout);
  if (options.timeout <= std::chrono::milliseconds::zero()) fail("timeout", "must be more than 0");
  options.max_output = reader.size("max_output", options.max_output);
  if (options.max_output == 0) fail("max_output", "must be more than 0");
  options.pass_authorization = reader.boolean("pass_authorization", false);
  reader.refuse_unknown();
  return options;
}

}  // namespace pscgi::apps::cgi
