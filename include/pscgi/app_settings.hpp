#pragma once
/// \file
/// The app's own settings: the keys of the config's `app:` section other than `type`, read by the
/// app's factory with typed getters. Values are written in the same syntax as the rest of the config
/// (docs/configuration.md): durations `500ms`, `10s`, `2m`, `1h`; sizes `4096`, `64KiB`, `1.5MiB`;
/// booleans `true`/`false`; lists as YAML sequences.
///
/// ```cpp
/// AppPtr make_my_app(const pscgi::AppSettings& settings) {
///   auto root = settings.text("root");                                  // required
///   auto workers = settings.integer("threads", 4, 1, 64);               // 4 when absent
///   auto timeout = settings.duration("timeout", std::chrono::seconds(30));
///   settings.refuse_unknown();                                          // a misspelt key is an error
///   return std::make_unique<MyApp>(root, workers, timeout);
/// }
/// ```

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pscgi {

/// A wrong or missing app setting. what() reads `<file>:<line>: app.<key>: <problem>`, the line being
/// the key's in the YAML file (the `app:` line for a missing key; left out when unknown). The server
/// prints it as it is and refuses to start (or, on reload, keeps the old configuration).
class AppSettingError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// One key of `app:` as the file gave it.
struct AppValue {
  std::vector<std::string> items;  ///< a scalar's text is the one item
  bool is_list = false;            ///< given as a YAML sequence (`[a, b]` or `- a` lines)
  int line = 0;                    ///< the key's line, from 1; 0 when not read from a file
};

/// The `app:` section. `type` chooses the app; every other key is kept as text (or a list of texts)
/// with its line, and converted by the getters below when the app's factory asks for it.
///
/// Each getter marks its key as read, so that refuse_unknown() can find the keys nobody asked for.
/// A getter without a fallback makes the key required. Every error is an AppSettingError. The
/// fallback is returned as it is (it is the app's own value, not the user's: no range check).
class AppSettings {
 public:
  /// The app's type name, the `app.type` key.
  std::string type;

  AppSettings() = default;
  /// Settings made in code (tests, embedding programs): scalar values, no file, no lines.
  explicit AppSettings(std::string app_type, std::map<std::string, std::string> scalars = {});

  /// Where the section was read from: the file named in messages, and the `app:` key's line (0 when
  /// unknown), which a "required" message names.
  void set_origin(std::string source, int line);
  /// Adds or replaces a scalar key.
  void set(std::string key, std::string value, int line = 0);
  /// Adds or replaces a list key.
  void set_list(std::string key, std::vector<std::string> items, int line = 0);

  const std::string& source() const noexcept { return source_; }
  /// Every key but `type`, as given.
  const std::map<std::string, AppValue, std::less<>>& values() const noexcept { return values_; }

  /// Whether the file gives the key. Does not mark it as read.
  bool has(std::string_view key) const;

  /// The key's text, as written ("" is a value). A list is refused.
  std::string text(std::string_view key, std::optional<std::string> fallback = std::nullopt) const;
  /// A decimal integer in [lo, hi] (no leading zeros, no `+`, no exponent).
  std::int64_t integer(std::string_view key, std::optional<std::int64_t> fallback, std::int64_t lo,
                       std::int64_t hi) const;
  /// A duration: `0`, or a number with a unit ms, s, m or h (`1.5s`).
  std::chrono::milliseconds duration(std::string_view key,
                                     std::optional<std::chrono::milliseconds> fallback = std::nullopt) const;
  /// A size in bytes: bare bytes (`4096`) or `B`, `KiB`, `MiB`, `GiB` (`512KiB`, `1.5MiB`). `KB`, `k`,
  /// `M`… are refused as ambiguous, with the IEC spelling to use.
  std::uint64_t size(std::string_view key, std::optional<std::uint64_t> fallback = std::nullopt) const;
  /// `true` or `false` (also `True`, `TRUE`, `False`, `FALSE`).
  bool boolean(std::string_view key, std::optional<bool> fallback = std::nullopt) const;
  /// A YAML sequence of scalars, or one scalar (a list of one). `[]` is an empty list.
  std::vector<std::string> list(std::string_view key,
                                std::optional<std::vector<std::string>> fallback = std::nullopt) const;

  /// Throws AppSettingError "app.<key>: <problem>" at the key's line (the section's when the key is
  /// absent): for the app's own checks on a value it has read ("root: no such directory").
  [[noreturn]] void refuse(std::string_view key, std::string_view problem) const;

  /// Throws AppSettingError "app.<key>: unknown option" for the first key (in name order) that no
  /// getter has read. Call it at the end of the factory, after reading every key the app knows.
  void refuse_unknown() const;

 private:
  // The key's value, marked as read; nullptr when absent.
  const AppValue* find(std::string_view key) const;
  // The key's value, checked to be a scalar; nullptr when absent and a fallback exists, else "required".
  const AppValue* scalar(std::string_view key, bool has_fallback) const;
  [[noreturn]] void fail(std::string_view key, int line, std::string_view problem) const;

  std::string source_ = "<app settings>";
  int line_ = 0;
  std::map<std::string, AppValue, std::less<>> values_;
  // Getters are const (a factory gets a const AppSettings&) yet record what they read.
  mutable std::set<std::string, std::less<>> read_;
};

}  // namespace pscgi
