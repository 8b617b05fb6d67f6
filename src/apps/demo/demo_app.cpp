#include "apps/demo/demo_app.hpp"

#include "apps/demo/html.hpp"
#include "apps/demo/params.hpp"
#include "apps/demo/routes.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

namespace pscgi::apps::demo {
namespace {

constexpr std::array<Route, 5> route_table{{
    {"/", "/", "this page", &index_route},
    {"/hello", "/hello", "a small cacheable page with the worker's pid and render count", &hello_route},
    {"/work", "/work?ms=50&kb=64", "burns ms of CPU, returns about kb KiB of deterministic HTML", &work_route},
    {"/echo", "/echo?a=1&b=2", "the request's CGI variables and body as JSON (never cached)", &echo_route},
    {"/respond", "/respond?status=200&h=Cache-Control:max-age%3D60&h=Set-Cookie:a%3D1&body=hi",
     "a response made to order: status, headers, body, ttl, ttl_ms, nocache, raise", &respond_route},
}};

const Route* find_route(std::string_view path) noexcept {
  for (const Route& route : route_table) {
    if (route.path == path) return &route;
  }
  return nullptr;
}

// `app:` keys of the demo app besides `type`.
struct DemoOptions {
  std::string greeting{kDefaultGreeting};
};

DemoOptions read_options(const AppSettings& settings) {
  DemoOptions result;
  result.greeting = settings.text("greeting", std::string(kDefaultGreeting));
  if (result.greeting.empty()) settings.refuse("greeting", "must not be empty");
  settings.refuse_unknown();
  return result;
}

class DemoApp final : public App {
 public:
  explicit DemoApp(DemoOptions options) : options_(std::move(options)) {}

  ResponsePtr handle(const Request& request) override {
    // Counted before rendering so that a page shows itself, and only here: a cache hit is answered
    // before the app runs and must not move the counter.
    ++renders_;
    const QueryParams query(request.query());
    const RouteContext context{request, query, renders_, worker_slot_, options_.greeting};
    const Route* route = find_route(request.path());
    if (!route) return not_found_route(context);
    try {
      return route->handler(context);
    } catch (const BadRequest& e) {
      return text_response(400, fmt::format("400 Bad Request\n{}: {}\n", route->path, e.what()));
    }
  }

  void on_worker_start(const WorkerInfo& worker) override {
    worker_slot_ = worker.slot;
    renders_ = 0;  // a fresh count per worker process
  }

 private:
  const DemoOptions options_;
  std::uint64_t renders_ = 0;
  int worker_slot_ = 0;
};

}  // namespace

std::span<const Route> demo_routes() noexcept { return route_table; }

AppPtr make_demo_app(const AppSettings& settings) { return std::make_unique<DemoApp>(read_options(settings)); }

}  // namespace pscgi::apps::demo
