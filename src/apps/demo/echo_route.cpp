// /echo: the request as the app received it, as JSON. It shows one client's data, so it is never
// cached, by the pscgi cache or by anyone else.
#include "apps/demo/routes.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace pscgi::apps::demo {
namespace {

nlohmann::json variables_json(const Request& request) {
  // An array of pairs, not an object: CGI variables have an order and may repeat.
  nlohmann::json variables = nlohmann::json::array();
  for (std::size_t i = 0; i < request.variable_count(); ++i) {
    const Variable v = request.variable(i);
    variables.push_back({{"name", std::string(v.name)}, {"value", std::string(v.value)}});
  }
  return variables;
}

}  // namespace

ResponsePtr echo_route(const RouteContext& context) {
  const Request& request = context.request;
  nlohmann::json echo = {
      {"method", std::string(request.method())},
      {"path", std::string(request.path())},
      {"query", std::string(request.query())},
      {"variables", variables_json(request)},
      {"body", std::string(request.body())},
  };
  // Clients send any bytes; invalid UTF-8 becomes U+FFFD instead of a dump() exception.
  std::string text = echo.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  return ResponseBuilder(200)
      .content_type("application/json")
      .header("Cache-Control", "private, no-store")
      .header("X-Content-Type-Options", "nosniff")
      .body(std::move(text))
      .uncacheable()
      .finish();
}

}  // namespace pscgi::apps::demo
