#include "cache/cacheability.hpp"

#include <charconv>

#include "protocol/http_fields.hpp"

#include <algorithm>

namespace pscgi::cache {

using protocol::for_each_response_list_member;
using protocol::trim_ows;

std::string_view to_string(BypassReason reason) noexcept {
  switch (reason) {
    case BypassReason::none: return "none";
    case BypassReason::method: return "method";
    case BypassReason::authorization: return "authorization";
    case BypassReason::cookie: return "cookie";
    case BypassReason::no_cache: return "no-cache";
    case BypassReason::count: break;
  }
  return "unknown";
}

std::string_view to_string(StoreRefusal reason) noexcept {
  switch (reason) {
    case StoreRefusal::none: return "none";
    case StoreRefusal::uncacheable: return "uncacheable";
    case StoreRefusal::status: return "status";
    case StoreRefusal::set_cookie: return "set-cookie";
    case StoreRefusal::is_private: return "private";
    case StoreRefusal::no_store: return "no-store";
    case StoreRefusal::no_cache: return "no-cache";
    case StoreRefusal::vary_star: return "vary-star";
    case StoreRefusal::too_large: return "too-large";
    case StoreRefusal::zero_ttl: return "zero-ttl";
    case StoreRefusal::incomplete: return "incomplete";
    case StoreRefusal::count: break;
  }
  return "unknown";
}

std::string_view method_class(std::string_view method) noexcept {
  return method == "HEAD" ? std::string_view("GET") : method;
}

bool method_is_cacheable(std::string_view method, const config::CacheSettings& settings) noexcept {
  return std::find(settings.methods.begin(), settings.methods.end(), method) != settings.methods.end();
}

bool has_authorization(const Request& request) noexcept { return request.find("HTTP_AUTHORIZATION").has_value(); }

bool has_bypass_cookie(const Request& request, const std::vector<std::string>& bypass_cookies) noexcept {
  const std::optional<std::string_view> header = request.find("HTTP_COOKIE");
  if (!header || trim_ows(*header).empty() || bypass_cookies.empty()) return false;
  if (std::find(bypass_cookies.begin(), bypass_cookies.end(), "*") != bypass_cookies.end()) return true;
  // Cookie: a=1; b=2 (HTTP/2 clients' several Cookie headers reach us joined the same way).
  std::string_view rest = *header;
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find(';'), rest.size());
    const std::string_view pair = rest.substr(0, end);
    const std::string_view name = trim_ows(pair.substr(0, pair.find('=')));
    if (std::find(bypass_cookies.begin(), bypass_cookies.end(), name) != bypass_cookies.end()) return true;
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  return false;
}

BypassReason request_bypass_reason(const Request& request, const config::CacheSettings& settings) noexcept {
  if (!method_is_cacheable(request.method(), settings)) return BypassReason::method;
  if (has_authorization(request)) return BypassReason::authorization;
  if (has_bypass_cookie(request, settings.bypass_cookies)) return BypassReason::cookie;
  if (settings.honor_request_no_cache && request_says_no_cache(request)) return BypassReason::no_cache;
  return BypassReason::none;
}

bool status_is_cacheable(int status, const config::CacheSettings& settings) noexcept {
  return std::find(settings.statuses.begin(), settings.statuses.end(), status) != settings.statuses.end();
}

bool sets_cookie(const Response& response) noexcept {
  return response.header("Set-Cookie").has_value() || response.header("Set-Cookie2").has_value();
}

bool varies_on_everything(const Response& response) {
  bool star = false;
  for_each_response_list_member(response, "Vary", [&](std::string_view member) { return !(star = member == "*"); });
  return star;
}

bool is_incomplete(const Response& response) noexcept {
  if (response.status() < 200 || response.status() == 304) return true;
  const auto length = response.header("Content-Length");
  if (!length) return false;
  std::size_t declared = 0;
  const auto [end, error] = std::from_chars(length->data(), length->data() + length->size(), declared);
  return error != std::errc() || end != length->data() + length->size() || declared != response.body().size();
}

bool exceeds_object_limit(const Response& response, const config::CacheSettings& settings) noexcept {
  return response.wire_size() > settings.max_object_bytes;
}

StoreRefusal response_store_refusal(const Response& response, const ResponseCacheControl& cache_control,
                                    const config::CacheSettings& settings) {
  if (response.cache_policy() == CachePolicy::never) return StoreRefusal::uncacheable;
  if (!status_is_cacheable(response.status(), settings)) return StoreRefusal::status;
  if (is_incomplete(response)) return StoreRefusal::incomplete;
  if (sets_cookie(response)) return StoreRefusal::set_cookie;
  if (cache_control.is_private) return StoreRefusal::is_private;
  if (cache_control.no_store) return StoreRefusal::no_store;
  if (cache_control.no_cache) return StoreRefusal::no_cache;
  if (varies_on_everything(response)) return StoreRefusal::vary_star;
  if (exceeds_object_limit(response, settings)) return StoreRefusal::too_large;
  return StoreRefusal::none;
}

}  // namespace pscgi::cache
