#pragma once
// Reading the demo routes' query parameters. A bad parameter is the client's mistake, so it is a
// BadRequest (the app answers 400) rather than an exception the pipeline would turn into a 500.

#include <pscgi/query.hpp>

#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace pscgi::apps::demo {

/// The client asked for something the route cannot do; what() is the 400 page's text. Messages name
/// the parameter but never repeat its value, so nothing the client sent is reflected.
class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The first `name` as a whole decimal number in [min, max], or `fallback` when absent. Throws
/// BadRequest when it is empty, not a number, or out of range.
std::int64_t int_param(const QueryParams& query, std::string_view name, std::int64_t fallback, std::int64_t min,
                       std::int64_t max);

/// The first `name` as a flag: absent or "0" is false, "1" is true; anything else throws BadRequest.
bool flag_param(const QueryParams& query, std::string_view name);

}  // namespace pscgi::apps::demo
