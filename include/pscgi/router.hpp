#pragma once
/// \file
/// A request router for applications: patterns such as `GET /users/{id}` map requests to handlers.
/// The rules are those of Go 1.22's net/http ServeMux, so they are small and fully specified:
///
/// - A pattern is `[METHOD ]/path`. Without a method it matches every method; `GET` also matches
///   `HEAD` (the server leaves the body out of a HEAD answer).
/// - Path segments are literal (`users`), a parameter (`{id}`: one whole non-empty segment), or, last
///   only, a rest parameter (`{path...}`: what is left of the path, possibly empty, slashes included).
///   A pattern ending in `/` matches every path below it (`/static/` matches `/static/a/b.css`) and
///   `/` alone matches every path; `{$}` at the end matches the path with its trailing slash only
///   (`/{$}` is the site root alone).
/// - When several patterns match, the most specific one wins: the one whose every match is also a
///   match of the others (`/users/new` beats `/users/{id}`, which beats `/users/`; `GET /a` beats `/a`).
///   Two patterns that overlap without either being more specific (`/a/{x}` and `/{y}/b`), or that are
///   the same, are refused when added (std::invalid_argument), so a request never has two answers.
/// - No pattern matches the path: 404. Patterns match the path but none the method: 405 with an
///   `Allow` header listing the methods that would match. A path without its trailing slash that
///   would match with it (`/docs` when `/docs/` is a pattern) is redirected there (301).
///
/// Paths are matched as Request::path() gives them (nginx's DOCUMENT_URI: already percent-decoded
/// and normalised); parameters are not decoded again. Matching is case-sensitive.
///
/// A Router is an App, so an `app:` factory can return one; it can also be mounted inside another
/// router at a prefix, and subclassed to add on_worker_start/on_worker_exit.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <pscgi/app.hpp>
#include <pscgi/request.hpp>
#include <pscgi/response.hpp>

namespace pscgi {

/// The parameters a matched route took from the path. The views point into the request's path:
/// valid while the request lives (copy them to keep them longer).
class RouteParams {
 public:
  /// The value of `{name}` or `{name...}`, or nullopt when the route has no such parameter.
  std::optional<std::string_view> find(std::string_view name) const noexcept;
  /// The value of a parameter the route is known to have; throws std::out_of_range (a 500: a bug in
  /// the app) when it has none.
  std::string_view at(std::string_view name) const;
  /// Every parameter, in path order (a mount's parameters first).
  const std::vector<std::pair<std::string_view, std::string_view>>& all() const noexcept { return params_; }

  /// The part of the path the mounts above this router consumed (`/api` for a router mounted at
  /// `/api`), "" at the top: prepend it to build links to this router's own routes.
  const std::string& mount_prefix() const noexcept { return prefix_; }

  void add(std::string_view name, std::string_view value) { params_.emplace_back(name, value); }
  void set_mount_prefix(std::string prefix) { prefix_ = std::move(prefix); }

 private:
  std::vector<std::pair<std::string_view, std::string_view>> params_;
  std::string prefix_;
};

/// What a route runs. May throw BadRequest (pscgi/errors.hpp: a 400 with its message) or anything
/// else (a logged 500).
using Handler = std::function<ResponsePtr(const Request&, const RouteParams&)>;

class Router : public App {
 public:
  Router();
  ~Router() override;
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  /// Adds a route: `pattern` is `[METHOD ]/path` as in the file comment. Throws std::invalid_argument
  /// for a malformed pattern (naming it and the problem), or one that conflicts with a route already
  /// added (naming both).
  Router& add(std::string_view pattern, Handler handler);

  /// `add("GET /path", handler)` and so on; a method given in the path is an error.
  Router& get(std::string_view path, Handler handler) { return add_with_method("GET", path, std::move(handler)); }
  Router& post(std::string_view path, Handler handler) { return add_with_method("POST", path, std::move(handler)); }
  Router& put(std::string_view path, Handler handler) { return add_with_method("PUT", path, std::move(handler)); }
  Router& patch(std::string_view path, Handler handler) { return add_with_method("PATCH", path, std::move(handler)); }
  Router& del(std::string_view path, Handler handler) { return add_with_method("DELETE", path, std::move(handler)); }

  /// Hands every request under `prefix` (the path itself, `prefix/` and below) to `inner`, which
  /// matches the rest of the path (`/` for the prefix itself) and answers 404/405 itself. The prefix
  /// may hold parameters (`/users/{id}`), which inner's handlers see first in their RouteParams; it
  /// may not end in `/` or a rest parameter. For precedence a mount is the patterns `prefix` and
  /// `prefix/` of every method, compared by path alone: a route of this router with a more specific
  /// path still wins (`GET /api/special`), and the mount wins over a route with a more general path
  /// whatever its method (`GET /` and a mount at `/api` live together).
  Router& mount(std::string_view prefix, Router inner);

  /// Answers a request: the matching route's response, or 404, 405, or a 301 to the path with a slash.
  ResponsePtr handle(const Request& request) override;

  /// As handle(), matching `path` (the part of the request's path below the mounts) and adding to
  /// `params` (which already hold the mounts' parameters). For routers mounted in routers.
  ResponsePtr dispatch(const Request& request, std::string_view path, RouteParams& params) const;

 private:
  struct Routes;  // the patterns and their handlers: src/router/router.cpp

  Router& add_with_method(std::string_view method, std::string_view path, Handler handler);

  std::unique_ptr<Routes> routes_;
};

}  // namespace pscgi
