#include <pscgi/router.hpp>

#include <pscgi/responses.hpp>

#include "router/pattern.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace pscgi {
namespace {

using router::Captures;
using router::Pattern;
using router::Relation;

// A mounted router gets the part of the path below its prefix; the exact prefix is its `/`.
constexpr std::string_view kRootPath = "/";

struct Route {
  Pattern pattern;
  Handler handler;                        // set for a route
  std::shared_ptr<const Router> mounted;  // set for a mount: the handler is the inner router
};

// A mount is compared by its path alone: it takes every method and leaves the method to the inner
// router, so `GET /` beside a mount at `/api` is no conflict: the mount's path is more specific.
Relation relate(const Route& a, const Route& b) {
  return a.mounted || b.mounted ? router::compare_paths(a.pattern, b.pattern) : router::compare(a.pattern, b.pattern);
}

struct Match {
  const Route* route = nullptr;
  Captures captures;
  std::string_view rest;
};

}  // namespace

struct Router::Routes {
  std::vector<Route> list;

  void add(Route route) {
    for (const Route& other : list) {
      const Relation relation = relate(route, other);
      if (relation == Relation::equivalent) {
        throw std::invalid_argument(
            fmt::format("route pattern \"{}\" matches the same requests as \"{}\"", route.pattern.text, other.pattern.text));
      }
      if (relation == Relation::overlaps) {
        throw std::invalid_argument(fmt::format(
            "route pattern \"{}\" conflicts with \"{}\": some requests match both and neither is more specific",
            route.pattern.text, other.pattern.text));
      }
    }
    list.push_back(std::move(route));
  }

  // The most specific route that takes this path and method. Patterns that match the path but not
  // the method leave their methods in `allowed`, for a 405. Routes that both match one request are
  // never `overlaps` or `equivalent` (add() refuses that), so "more specific" orders them all.
  Match find(std::string_view path, std::string_view method, std::vector<std::string>* allowed) const {
    Match best;
    Captures captures;
    for (const Route& route : list) {
      captures.clear();
      const auto rest = router::match_path(route.pattern, path, captures);
      if (!rest) continue;
      if (!router::accepts_method(route.pattern, method)) {
        if (allowed) allowed->push_back(route.pattern.method);
        continue;
      }
      if (best.route == nullptr || relate(route, *best.route) == Relation::more_specific) {
        best = Match{&route, captures, *rest};
      }
    }
    return best;
  }
};

namespace {

// Go's rule: a path without its trailing slash, that nothing matches exactly but that would match
// exactly with one, is sent there. The location is the client's own URI (REQUEST_URI, not the
// decoded path) with a `/` before the query, so it survives mounts and escapes.
std::optional<std::string> slash_location(const Request& request) {
  const std::string_view uri = request.uri().empty() ? request.path() : request.uri();
  const auto query = uri.find('?');
  std::string location = fmt::format("{}/{}", uri.substr(0, query), query == std::string_view::npos ? "" : uri.substr(query));
  // `//host/` would send the client to another site.
  if (location.empty() || location.front() != '/' || location.starts_with("//")) return std::nullopt;
  return location;
}

ResponsePtr method_not_allowed(std::vector<std::string> allowed) {
  if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) allowed.emplace_back("HEAD");
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  return ResponseBuilder(405)
      .header("Allow", fmt::format("{}", fmt::join(allowed, ", ")))
      .content_type("text/plain; charset=utf-8")
      .body("405 Method Not Allowed\n")
      .finish();
}

}  // namespace

Router::Router() : routes_(std::make_unique<Routes>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Router& Router::add(std::string_view pattern, Handler handler) {
  if (!handler) throw std::invalid_argument(fmt::format("route pattern \"{}\": no handler", pattern));
  routes_->add(Route{router::parse_pattern(pattern), std::move(handler), nullptr});
  return *this;
}

Router& Router::add_with_method(std::string_view method, std::string_view path, Handler handler) {
  if (path.empty() || path.front() != '/') {
    throw std::invalid_argument(fmt::format("route path \"{}\": give the path alone, starting with /", path));
  }
  return add(fmt::format("{} {}", method, path), std::move(handler));
}

Router& Router::mount(std::string_view prefix, Router inner) {
  const Pattern exact = router::parse_pattern(prefix);
  if (!exact.method.empty() || exact.is_subtree() || exact.segments.back().kind == router::Segment::Kind::end_slash) {
    throw std::invalid_argument(
        fmt::format("mount prefix \"{}\": a path such as /api, without a method, a trailing / or {{$}}", prefix));
  }
  auto shared = std::make_shared<const Router>(std::move(inner));
  routes_->add(Route{exact, nullptr, shared});
  routes_->add(Route{router::parse_pattern(fmt::format("{}/", prefix)), nullptr, shared});
  return *this;
}

ResponsePtr Router::handle(const Request& request) {
  RouteParams params;
  return dispatch(request, request.path(), params);
}

ResponsePtr Router::dispatch(const Request& request, std::string_view path, RouteParams& params) const {
  std::vector<std::string> allowed;
  const Match match = routes_->find(path, request.method(), &allowed);
  const bool exact = match.route != nullptr && router::is_exact_match(match.route->pattern, match.rest);
  if (!exact && !path.ends_with('/')) {
    const std::string with_slash = fmt::format("{}/", path);
    // Its methods count for a 405 too: the client may have meant that path.
    const Match slashed = routes_->find(with_slash, request.method(), &allowed);
    if (slashed.route != nullptr && router::is_exact_match(slashed.route->pattern, slashed.rest)) {
      if (auto location = slash_location(request)) return redirect(*location, 301);
    }
  }
  if (match.route == nullptr) return allowed.empty() ? error(404) : method_not_allowed(std::move(allowed));
  for (const auto& [name, value] : match.captures) params.add(name, value);
  if (!match.route->mounted) return match.route->handler(request, params);
  // The inner router sees the path below the prefix: from the `/` before the rest, or `/` itself.
  const std::string_view inner_path =
      match.route->pattern.is_subtree() ? std::string_view(match.rest.data() - 1, match.rest.size() + 1) : kRootPath;
  const std::string_view consumed = match.route->pattern.is_subtree() ? path.substr(0, path.size() - inner_path.size()) : path;
  params.set_mount_prefix(params.mount_prefix() + std::string(consumed));
  return match.route->mounted->dispatch(request, inner_path, params);
}

std::optional<std::string_view> RouteParams::find(std::string_view name) const noexcept {
  for (const auto& [key, value] : params_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string_view RouteParams::at(std::string_view name) const {
  if (auto value = find(name)) return *value;
  throw std::out_of_range(fmt::format("the route has no parameter \"{}\"", name));
}

}  // namespace pscgi
