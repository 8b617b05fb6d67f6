// libFuzzer target for the router applications use (include/pscgi/router.hpp). The input is lines:
// route patterns (`GET /users/{id}`; one starting with '@' goes to a router mounted at /m/{tenant}),
// a blank line, then requests as `METHOD /path`. Malformed or conflicting patterns must be refused
// with std::invalid_argument; every request must get 200 from a route whose pattern matches it, or a
// 301, 404 or 405 that follows the router's rules.

#include "fuzz_support.hpp"
#include "router/pattern.hpp"

#include <pscgi/router.hpp>

#include <cstdint>
#include <string>

namespace {

using namespace pscgi;
using fuzz::require;

router::Relation mirrored(router::Relation relation) {
  if (relation == router::Relation::more_specific) return router::Relation::more_general;
  if (relation == router::Relation::more_general) return router::Relation::more_specific;
  return relation;
}

// The handler answers with its own pattern, so that the check can match it against the request.
Handler answer_with(std::string pattern) {
  return [pattern = std::move(pattern)](const Request&, const RouteParams& params) {
    for (const auto& [name, value] : params.all()) require(!name.empty(), "a parameter without a name");
    return ResponseBuilder(200).content_type("text/plain").body(pattern).finish();
  };
}

struct Routes {
  Router outer;
  Router inner;
  bool has_inner = false;
  std::vector<router::Pattern> patterns;  // the outer ones that were accepted
};

void add_route(Routes& routes, std::string_view line) {
  const bool to_inner = line.starts_with('@');
  if (to_inner) line.remove_prefix(1);
  try {
    Router& target = to_inner ? routes.inner : routes.outer;
    target.add(line, answer_with(std::string(line)));
    routes.has_inner |= to_inner;
    if (!to_inner) routes.patterns.push_back(router::parse_pattern(line));
  } catch (const std::invalid_argument&) {
    // A malformed or conflicting pattern: the documented refusal.
  }
}

void check_relations(const std::vector<router::Pattern>& patterns) {
  for (const auto& a : patterns) {
    for (const auto& b : patterns) {
      if (&a == &b) continue;
      const router::Relation relation = router::compare(a, b);
      require(relation != router::Relation::equivalent && relation != router::Relation::overlaps,
              "the router kept two conflicting patterns");
      require(router::compare(b, a) == mirrored(relation), "compare is not symmetric");
    }
  }
}

void check_request(Router& router, const std::vector<router::Pattern>& patterns, std::string_view line) {
  const std::size_t space = line.find(' ');
  const std::string method(line.substr(0, space));
  const std::string path(space == std::string_view::npos ? "/" : line.substr(space + 1));
  const Request request = Request::from_variables(
      {{"REQUEST_METHOD", method}, {"DOCUMENT_URI", path}, {"REQUEST_URI", path}});
  ResponsePtr response;
  try {
    response = router.handle(request);
  } catch (const std::invalid_argument&) {
    // A redirect to a URI with a control byte is refused by ResponseBuilder (a logged 500 upstream).
    require(fuzz::has_control_byte(path), "a redirect refused for a clean URI");
    return;
  }
  require(response != nullptr, "no response");
  const int status = response->status();
  require(status == 200 || status == 301 || status == 404 || status == 405, "an unexpected status");
  if (status == 405) require(response->header("Allow").has_value(), "a 405 without Allow");
  if (status == 301) require(response->header("Location").value_or("").starts_with(path.substr(0, path.find('?'))), "a 301 elsewhere");
  if (status != 200 || path.starts_with("/m/")) return;
  for (const router::Pattern& pattern : patterns) {
    if (pattern.text != response->body()) continue;
    router::Captures captures;
    require(router::match_path(pattern, path, captures).has_value(), "the chosen route does not match the path");
    require(router::accepts_method(pattern, method), "the chosen route does not take the method");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Routes routes;
  while (!input.empty()) {
    const std::string_view line = fuzz::next_line(input);
    if (line.empty()) break;
    add_route(routes, line);
  }
  if (routes.has_inner) {
    try {
      routes.outer.mount("/m/{tenant}", std::move(routes.inner));
    } catch (const std::invalid_argument&) {
      // It conflicts with an outer route.
    }
  }
  check_relations(routes.patterns);
  while (!input.empty()) check_request(routes.outer, routes.patterns, fuzz::next_line(input));
  return 0;
}
