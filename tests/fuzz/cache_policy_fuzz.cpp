// libFuzzer target for the cache's policy: the key of a request (primary and Vary variant), whether
// the request may use the cache, whether the response may be stored, and for how long. The input is
// a request and a response in fuzz_support.hpp's text form. The invariants are the ones the cache
// stage relies on when it stores under the key and serves until the lifetime ends.

#include "cache/cache_control.hpp"
#include "cache/cache_key.hpp"
#include "cache/cacheability.hpp"
#include "cache/lifetime.hpp"
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstdint>

namespace {

using namespace pscgi;
using namespace pscgi::cache;
using fuzz::require;

config::CacheSettings fuzz_settings() {
  config::CacheSettings settings;
  settings.bypass_cookies = {"session", "auth"};
  settings.honor_request_no_cache = true;
  settings.max_object_bytes = 4096;
  return settings;
}

void check_key(const Request& request, const Response& response) {
  std::string key;
  build_primary_key(key, request);
  require(key.starts_with(method_class(request.method())), "key does not start with the method class");
  require(key.ends_with(request.uri()), "key does not end with the URI");
  std::string again = "left over";
  build_primary_key(again, request);
  require(again == key, "the key depends on the string it is built in");
  if (varies_on_everything(response)) return;
  const std::vector<std::string> names = vary_names(response);
  require(std::is_sorted(names.begin(), names.end()), "vary names not sorted");
  require(std::adjacent_find(names.begin(), names.end()) == names.end(), "vary names repeated");
  for (const std::string& name : names) require(name.starts_with("HTTP_"), "vary name without HTTP_");
  std::string variant = key;
  append_variant(variant, request, names);
  require(variant.starts_with(key), "variant does not extend the primary key");
  require(names.empty() == (variant.size() == key.size()), "variant without vary names differs");
}

void check_policy(const Request& request, const Response& response, const config::CacheSettings& settings,
                  WallClock::time_point wall_now) {
  const BypassReason bypass = request_bypass_reason(request, settings);
  require(bypass < BypassReason::count && !to_string(bypass).empty(), "bypass reason out of range");
  const ResponseCacheControl cache_control = parse_response_cache_control(response);
  for (const auto& age : {cache_control.max_age, cache_control.s_maxage}) {
    require(!age || *age >= std::chrono::seconds(0), "negative max-age");
  }
  const StoreRefusal refusal = response_store_refusal(response, cache_control, settings);
  require(refusal < StoreRefusal::count && !to_string(refusal).empty(), "store refusal out of range");
  if (refusal == StoreRefusal::none) {
    require(status_is_cacheable(response.status(), settings), "stored an uncacheable status");
    require(!sets_cookie(response) && !cache_control.no_store && !cache_control.is_private, "stored a private answer");
  }
  const Lifetime lifetime = freshness_lifetime(response, cache_control, settings, wall_now);
  require(lifetime.value <= settings.max_ttl, "lifetime above max_ttl");
  for (const double fraction : {0.0, 0.1, 0.5, 1.0, 7.0}) {
    const config::Duration jittered = apply_jitter(lifetime.value, fraction);
    require(jittered <= std::max(lifetime.value, config::Duration::zero()) || jittered == lifetime.value,
            "jitter lengthened the lifetime");
    if (lifetime.value > config::Duration::zero()) require(jittered >= config::Duration::zero(), "jitter went negative");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const Request request = fuzz::read_request(input);
  const ResponsePtr response = fuzz::read_response(input);
  static const config::CacheSettings settings = fuzz_settings();
  if (response) {
    check_key(request, *response);
    // A wall clock anywhere from 1970 to 2100, so that an Expires without Date meets many nows.
    const std::chrono::seconds since_epoch(static_cast<std::int64_t>(size * 2'654'435'761ull % 4'102'444'800ull));
    check_policy(request, *response, settings, WallClock::time_point(since_epoch));
  }
  return 0;
}
