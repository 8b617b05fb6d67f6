#pragma once
/// \file
/// The cookies a request carries, from its Cookie header (RFC 6265, 5.4: `a=1; b=2`).

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <pscgi/request.hpp>

namespace pscgi {

/// The name/value pairs of one Cookie header, in order. Parsing is lenient, as browsers are: pieces
/// without `=` are skipped, spaces around names and values are trimmed, and a value in double
/// quotes loses them. Values are not decoded (RFC 6265 defines no encoding): an app that stores
/// escaped values decodes them itself. The views point into the header text given, which must
/// outlive this object (a Request's header does, as long as the Request).
class Cookies {
 public:
  Cookies() = default;
  explicit Cookies(std::string_view header);

  /// The first cookie with this name (case-sensitive), or nullopt.
  std::optional<std::string_view> find(std::string_view name) const noexcept;
  bool contains(std::string_view name) const noexcept { return find(name).has_value(); }
  const std::vector<std::pair<std::string_view, std::string_view>>& all() const noexcept { return pairs_; }

 private:
  std::vector<std::pair<std::string_view, std::string_view>> pairs_;
};

/// The request's cookies (HTTP_COOKIE); none when it has no Cookie header.
Cookies cookies(const Request& request);

/// The value of one cookie of the request, or nullopt.
std::optional<std::string_view> cookie(const Request& request, std::string_view name);

}  // namespace pscgi
