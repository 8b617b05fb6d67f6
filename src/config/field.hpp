#pragma once
// A value read from the YAML file together with what a message about it needs: the key's full path
// (`workers.count`), the file, and the 1-based line and column. Readers check the YAML shape and
// throw ConfigError naming all of these, so a setting's load function never formats an error itself.

#include "config/config.hpp"
#include "config/units.hpp"  // range_message, parse_integer, parse_boolean

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pscgi::config {

/// 1-based; 0 when unknown.
struct Position {
  int line = 0;
  int column = 0;
};

/// yaml-cpp marks are 0-based, and -1 when the node has none.
Position position_of(const YAML::Mark& mark) noexcept;

/// The text of every ConfigError: `file:line:column: key: message`. The position and the key are
/// left out when unknown or empty.
std::string format_error(std::string_view source, Position where, std::string_view path, std::string_view message);

/// How a YAML value looks to a person, for "expected X, got Y": `a map`, `a list`, `nothing`, `"abc"`.
std::string describe_node(const YAML::Node& node);

class Field {
 public:
  /// `source` must outlive the Field.
  Field(YAML::Node node, std::string path, Position where, const std::string& source);

  const std::string& path() const noexcept { return path_; }
  Position position() const noexcept { return where_; }
  const std::string& source() const noexcept { return *source_; }

  /// Throws ConfigError about this value.
  [[noreturn]] void fail(std::string_view message) const;

  bool is_null() const { return node_.IsNull(); }
  bool is_list() const { return node_.IsSequence(); }
  /// An unquoted scalar (YAML may have read a number or a boolean into it).
  bool is_plain_scalar() const { return node_.IsScalar() && node_.Tag() == "?"; }

  /// The scalar's text. Fails with "expected <expected>, got ..." for a map, a list or nothing.
  std::string scalar(std::string_view expected) const;
  /// The items of a list, each with its own position; fails for anything but a list. Messages about
  /// an item say which one (`item 2`).
  std::vector<Field> items(std::string_view expected) const;

  /// Calls parse(scalar text) and reports its std::invalid_argument as an error at this value.
  template <class Parse>
  auto parse(std::string_view expected, Parse&& parse_text) const {
    const std::string text = scalar(expected);
    try {
      return std::forward<Parse>(parse_text)(text);
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
  }

  /// A decimal integer (no sign, no leading zero, no exponent) in [lo, hi].
  std::int64_t integer(std::int64_t lo, std::int64_t hi) const;
  /// `true` or `false` (also `True`, `TRUE`, `False`, `FALSE`).
  bool boolean() const;

 private:
  YAML::Node node_;
  std::string path_;
  Position where_;
  const std::string* source_;
  std::string item_;  ///< "item 2: " for list items
};

}  // namespace pscgi::config
