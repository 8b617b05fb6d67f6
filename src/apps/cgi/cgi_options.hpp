#pragma once
// The `app:` section of the CGI gateway, read and checked once, in the master, before fork.

#include <pscgi/app.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pscgi::apps::cgi {

struct CgiOptions {
  /// `script: PATH`: the one program that answers every path (absolute, symlinks resolved).
  std::optional<std::string> script;
  /// `root: DIR`: the directory whose programs are named by the first path segment (absolute,
  /// symlinks resolved). Exactly one of script and root is set.
  std::optional<std::string> root;
  /// `working_dir`: where scripts run; nullopt means the script's own directory.
  std::optional<std::string> working_dir;
  /// "NAME=value" for each variable of `env` (default [PATH]) found in pscgi's own environment,
  /// taken when the app is made, then each `set_env` entry: the base every script's environment
  /// starts from, before the CGI variables (which win over both).
  std::vector<std::string> base_environment;
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};  ///< `timeout`: then 504
  std::uint64_t max_output = 16 * 1024 * 1024;                  ///< `max_output`: beyond it 502
  bool pass_authorization = false;  ///< `pass_authorization`: give scripts HTTP_AUTHORIZATION
};

/// Reads and checks the options. Throws AppSettingError naming `app.<key>` and its line: an unknown key,
/// neither or both of script and root, a script that is not an executable regular file (or is an
/// nph- script), a root or working_dir that is not a directory, a bad variable name, a bad value.
CgiOptions read_cgi_options(const AppSettings& settings);

/// True for names a variable may have in a script's environment: [A-Za-z_][A-Za-z0-9_]*.
bool is_variable_name(std::string_view name) noexcept;

/// True when the file name of a program says it is a "non-parsed header" script (RFC 3875 5: its
/// output would be the whole HTTP response, which pscgi cannot pass on over SCGI).
bool is_nph_name(std::string_view file_name) noexcept;

}  // namespace pscgi::apps::cgi
