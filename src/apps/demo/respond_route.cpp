// /respond: a response made to order, for exercising the cache and the conditional stage from
// outside (curl, integration tests): any status, any headers, any body, or an exception.
//
// The body is served verbatim by design, with the Content-Type the caller chose: this route is a test
// tool, not something to expose to browsers on a public site (docs/demo-app.md says so).
#include "apps/demo/params.hpp"
#include "apps/demo/routes.hpp"
#include "protocol/http_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace pscgi::apps::demo {
namespace {

constexpr std::int64_t max_ttl_seconds = 365LL * 24 * 3600;

// "Name:Value" or "Name: Value" (whitespace around the value is not part of it, as in HTTP);
// `number` (1-based) tells the client which h= was wrong.
Header parse_header(std::string_view spec, std::size_t number) {
  const std::size_t colon = spec.find(':');
  if (colon == std::string_view::npos) {
    throw BadRequest(fmt::format("bad parameter 'h' (number {}): it must be Name:Value", number));
  }
  return {std::string(spec.substr(0, colon)), std::string(protocol::trim_ows(spec.substr(colon + 1)))};
}

std::vector<Header> requested_headers(const QueryParams& query) {
  std::vector<Header> headers;
  for (const std::string& spec : query.all("h")) headers.push_back(parse_header(spec, headers.size() + 1));
  return headers;
}

bool has_header(const std::vector<Header>& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [name](const Header& h) { return protocol::iequals(h.name, name); });
}

// ResponseBuilder refuses header names that are not HTTP tokens and values with control bytes; here
// that is the client's mistake, so it becomes a 400 rather than the pipeline's 500.
ResponsePtr finish_or_bad_request(ResponseBuilder& builder) {
  try {
    return builder.finish();
  } catch (const std::invalid_argument&) {
    throw BadRequest(
        "bad parameter 'h': a header name must be an HTTP token and a value must not contain control bytes "
        "(CR, LF, NUL, DEL or any other but tab)");
  }
}

}  // namespace

ResponsePtr respond_route(const RouteContext& context) {
  const QueryParams& query = context.query;
  const auto status = static_cast<int>(int_param(query, "status", 200, 100, 599));
  const bool has_ttl = query.contains("ttl");
  const std::int64_t ttl = int_param(query, "ttl", 0, 0, max_ttl_seconds);
  // Lifetimes under a second, for the outer cache's bounds (docs/cache.md, "Two cache levels").
  const bool has_ttl_ms = query.contains("ttl_ms");
  const std::int64_t ttl_ms = int_param(query, "ttl_ms", 0, 0, max_ttl_seconds * 1000);
  const bool no_cache = flag_param(query, "nocache");
  std::vector<Header> headers = requested_headers(query);
  if (flag_param(query, "raise")) throw std::runtime_error("/respond was asked to fail (raise=1)");

  ResponseBuilder builder(status);
  if (!has_header(headers, "Content-Type")) builder.content_type("text/plain; charset=utf-8");
  if (!has_header(headers, "X-Content-Type-Options")) builder.header("X-Content-Type-Options", "nosniff");
  for (Header& h : headers) builder.header(std::move(h.name), std::move(h.value));
  builder.body(query.first("body").value_or(""));
  if (has_ttl) builder.cache_for(std::chrono::seconds(ttl));
  if (has_ttl_ms) builder.cache_for(std::chrono::milliseconds(ttl_ms));
  if (no_cache) builder.uncacheable();
  return finish_or_bad_request(builder);
}

}  // namespace pscgi::apps::demo
