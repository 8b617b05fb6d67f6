#pragma once
// The demo app's routes: one function per path, all with the same signature, listed in one table
// that both the dispatcher and the index page read.

#include <pscgi/query.hpp>
#include <pscgi/request.hpp>
#include <pscgi/response.hpp>

#include <cstdint>
#include <span>
#include <string_view>

namespace pscgi::apps::demo {

/// What /hello says when `app.greeting` is not set.
inline constexpr std::string_view kDefaultGreeting = "Hello";

/// What a route sees: the request, its parsed query, and the worker's state.
struct RouteContext {
  const Request& request;
  const QueryParams& query;
  std::uint64_t renders = 0;  ///< requests the app has rendered in this worker, this one included
  int worker_slot = 0;        ///< the worker's slot, 0 until on_worker_start
  std::string_view greeting = kDefaultGreeting;  ///< `app.greeting`: the first word of /hello
};

/// Builds the response for one route. May throw BadRequest (a 400) or anything else (a 500).
using RouteHandler = ResponsePtr (*)(const RouteContext& context);

struct Route {
  std::string_view path;     ///< matched exactly against Request::path()
  std::string_view example;  ///< a link for the index page (path and query)
  std::string_view summary;  ///< one line for the index page
  RouteHandler handler;
};

/// Every route, in the order the index lists them.
std::span<const Route> demo_routes() noexcept;

ResponsePtr index_route(const RouteContext& context);
ResponsePtr hello_route(const RouteContext& context);
ResponsePtr work_route(const RouteContext& context);
ResponsePtr echo_route(const RouteContext& context);
ResponsePtr respond_route(const RouteContext& context);
/// The answer for a path no route matches: 404.
ResponsePtr not_found_route(const RouteContext& context);

}  // namespace pscgi::apps::demo
