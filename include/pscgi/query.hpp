#pragma once
/// \file
/// Percent-decoding and query-string parsing for application authors.
///
/// Decoding is lenient on purpose: an application gets whatever the client sent, so a `%` that is not
/// followed by two hex digits (`%zz`, `%4`, a trailing `%`) is kept literally instead of failing the
/// request. The results are bytes: `%00` decodes to a NUL and nothing checks that the result is UTF-8.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pscgi {

/// Decodes `%XX` escapes (RFC 3986); `+` stays `+`. Use it for paths. Invalid escapes are kept as
/// they are: percent_decode("100%") == "100%", percent_decode("%4g") == "%4g".
std::string percent_decode(std::string_view text);

/// Decodes a query-string component (application/x-www-form-urlencoded): `+` becomes a space, then
/// `%XX` escapes are decoded as by percent_decode (so `%2B` is a literal `+`).
std::string form_decode(std::string_view text);

/// One `name=value` pair of a query string, both decoded with form_decode.
struct QueryParam {
  std::string name;
  std::string value;
};

/// A parsed query string: every pair in the order given, repeated names kept (`h=A:1&h=B:2`).
///
/// Parsing splits on `&` only (not `;`), skips empty pieces (`a=1&&b=2` has two pairs), and splits
/// each piece at its first `=`: `flag` alone is the pair ("flag", ""), `=x` is ("", "x"). The input is
/// the query without its `?`, as in QUERY_STRING. Lookups compare decoded names exactly
/// (case-sensitive), and are linear: query strings are short.
class QueryParams {
 public:
  QueryParams() = default;
  explicit QueryParams(std::string_view query);

  /// The value of the first pair with this name, or nullopt when there is none.
  std::optional<std::string> first(std::string_view name) const;
  /// The values of every pair with this name, in order; empty when there is none.
  std::vector<std::string> all(std::string_view name) const;
  bool contains(std::string_view name) const noexcept;

  const std::vector<QueryParam>& params() const noexcept { return params_; }
  std::size_t size() const noexcept { return params_.size(); }
  bool empty() const noexcept { return params_.empty(); }
  auto begin() const noexcept { return params_.begin(); }
  auto end() const noexcept { return params_.end(); }

 private:
  std::vector<QueryParam> params_;
};

}  // namespace pscgi
