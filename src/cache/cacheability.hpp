#pragma once
/// \file
/// The cache's policy as small pure predicates: may this request use the cache, and may this
/// response be stored. Each answers with a reason, and the reason names are what Cache-Status shows
/// in `detail=` and what the counters are kept by.

#include "cache/cache_control.hpp"
#include "config/config.hpp"

#include <pscgi/request.hpp>
#include <pscgi/response.hpp>

#include <cstdint>
#include <string_view>

namespace pscgi::cache {

/// Why a request goes past the cache (neither looked up nor stored).
enum class BypassReason : std::uint8_t {
  none,           ///< the request may use the cache
  method,         ///< its method is not in CacheSettings::methods
  authorization,  ///< it carries Authorization: the answer may be meant for that user only
  cookie,         ///< it carries a cookie named in bypass_cookies (or any, with "*")
  no_cache,       ///< Cache-Control/Pragma no-cache, and honor_request_no_cache is on
  count,          ///< the number of values, for arrays of counters
};

/// Why a response is not stored.
enum class StoreRefusal : std::uint8_t {
  none,         ///< it may be stored
  uncacheable,  ///< the application said so (ResponseBuilder::uncacheable)
  status,       ///< its status is not in CacheSettings::statuses
  incomplete,   ///< a 304 or 1xx, or its body does not match its Content-Length (a HEAD answer)
  set_cookie,   ///< it sets a cookie
  is_private,   ///< Cache-Control: private
  no_store,     ///< Cache-Control: no-store
  no_cache,     ///< Cache-Control: no-cache
  vary_star,    ///< Vary: * (no request could ever match it)
  too_large,    ///< its serialised size is above max_object_bytes
  zero_ttl,     ///< its lifetime is zero or negative (max-age=0, an Expires in the past…)
  count,
};

/// The word Cache-Status uses for it: "method", "authorization", "cookie", "no-cache".
std::string_view to_string(BypassReason reason) noexcept;
/// The word Cache-Status uses for it: "uncacheable", "status", "set-cookie", "private", …
std::string_view to_string(StoreRefusal reason) noexcept;

/// GET and HEAD share one cache entry (a HEAD is answered from the GET); other methods are their own class.
std::string_view method_class(std::string_view method) noexcept;

bool method_is_cacheable(std::string_view method, const config::CacheSettings& settings) noexcept;
bool has_authorization(const Request& request) noexcept;
/// True when the Cookie header names a cookie in `bypass_cookies`; "*" there matches any cookie.
bool has_bypass_cookie(const Request& request, const std::vector<std::string>& bypass_cookies) noexcept;

/// The first reason, in the order of BypassReason, for which `request` must not use the cache.
BypassReason request_bypass_reason(const Request& request, const config::CacheSettings& settings) noexcept;

bool status_is_cacheable(int status, const config::CacheSettings& settings) noexcept;
bool sets_cookie(const Response& response) noexcept;
/// True when a Vary header lists `*`.
bool varies_on_everything(const Response& response);
/// A 304, a 1xx, or a body that does not match Content-Length: a derived answer, never a whole one.
/// Guards the store against a stage that hands it one.
bool is_incomplete(const Response& response) noexcept;
/// Counts the whole serialised response, head and body.
bool exceeds_object_limit(const Response& response, const config::CacheSettings& settings) noexcept;

/// The first reason, in the order of StoreRefusal, for which `response` must not be stored;
/// `cache_control` is parse_response_cache_control(response). Lifetime is judged separately.
StoreRefusal response_store_refusal(const Response& response, const ResponseCacheControl& cache_control,
                                    const config::CacheSettings& settings);

}  // namespace pscgi::cache
