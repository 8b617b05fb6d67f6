#pragma once
// The settings table: one entry per key of the config file with its type, its check, its default
// and its documentation. The YAML loader walks a file with it, describe_config() prints a Config
// with it and render_config_reference() writes the reference of docs/configuration.md from it, so
// a key cannot be read without being checked and documented. Modelled on h2o's configurator
// commands and on the directive pages of nginx and uWSGI.

#include "config/config.hpp"
#include "config/field.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pscgi::config {

enum class SettingKind {
  section,  ///< a map of further settings (`workers:`)
  value,    ///< a leaf
};

struct Setting {
  using Load = std::function<void(const Field&, Config&)>;
  using Show = std::function<std::string(const Config&)>;
  using LoadExtra = std::function<void(const std::string& key, const Field&, Config&)>;
  using ShowExtra = std::function<std::vector<std::pair<std::string, std::string>>(const Config&)>;

  std::string path;  ///< full key: `workers.count`
  SettingKind kind = SettingKind::value;
  std::string type;       ///< for people: `duration`, `list of status codes`
  std::string allowed;    ///< for people: what the check accepts, written from the same bounds
  std::string doc;        ///< Markdown; what the key means and when to change it
  bool required = false;  ///< must be given whenever its section is
  /// values: reads and checks the value into the Config; throws ConfigError. Sections: when set,
  /// called as the section is met, before its keys (an optional section turns itself on).
  Load load;
  Show show;              ///< values: the Config's value as YAML text (it loads back to the same)
  /// Whether describe_config() prints the key (or the whole section); unset = always. A key that
  /// another one excludes (`workers.count` beside `workers.min`) is left out so the output loads
  /// back; so is an optional section that is off (`metrics`).
  std::function<bool(const Config&)> shown;
  LoadExtra load_extra;   ///< sections: takes keys the table does not name; unset = they are errors
  ShowExtra show_extra;   ///< sections: those keys again, as (key, YAML text)
};

/// Every setting, in the order of the reference: top-level values, then each section followed by
/// its keys.
const std::vector<Setting>& settings_table();

/// The entry for a full path, or nullptr.
const Setting* find_setting(std::string_view path);

/// `workers.count` -> `workers`; `listen` -> ``.
std::string_view parent_path(std::string_view path) noexcept;
/// `workers.count` -> `count`.
std::string_view leaf_name(std::string_view path) noexcept;

/// Whether the file gives a key (full path), even as `~`.
using GivenKeys = std::function<bool(std::string_view path)>;

/// A rule between two settings, checked once the whole file is read. The error is reported at the
/// key the file gives; when it gives both, at the later one (where a reader meets the conflict).
struct Relation {
  std::string path;   ///< the key the rule is about (named in the error when the file gives neither)
  std::string other;  ///< the key it is compared with
  /// Says what is wrong, or nothing.
  std::function<std::optional<std::string>(const Config&, const GivenKeys&)> problem;
};

const std::vector<Relation>& settings_relations();

}  // namespace pscgi::config
