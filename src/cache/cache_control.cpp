#include "cache/cache_control.hpp"

#include "protocol/http_fields.hpp"

#include <algorithm>
#include <cstdint>

namespace pscgi::cache {

using protocol::for_each_list_member;
using protocol::for_each_response_list_member;
using protocol::iequals;
using protocol::trim_ows;

namespace {

// RFC 9111 section 1.2.2: the value a cache must use when delta-seconds overflows.
constexpr std::int64_t max_delta_seconds = 2147483648;

struct Directive {
  std::string_view name;
  std::optional<std::string_view> value;
};

Directive split_directive(std::string_view member) noexcept {
  const std::size_t eq = member.find('=');
  if (eq == std::string_view::npos) return {trim_ows(member), std::nullopt};
  return {trim_ows(member.substr(0, eq)), trim_ows(member.substr(eq + 1))};
}

void keep_smallest(std::optional<std::chrono::seconds>& slot, std::chrono::seconds value) {
  slot = slot ? std::min(*slot, value) : value;
}

}  // namespace

std::optional<std::chrono::seconds> parse_delta_seconds(std::string_view value) noexcept {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
  if (value.empty()) return std::nullopt;
  std::int64_t seconds = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = std::min(seconds * 10 + (c - '0'), max_delta_seconds);
  }
  return std::chrono::seconds(seconds);
}

ResponseCacheControl parse_response_cache_control(const Response& response) {
  ResponseCacheControl cc;
  for_each_response_list_member(response, "Cache-Control", [&](std::string_view member) {
    const Directive d = split_directive(member);
    if (iequals(d.name, "private")) cc.is_private = true;
    else if (iequals(d.name, "no-store")) cc.no_store = true;
    else if (iequals(d.name, "no-cache")) cc.no_cache = true;
    else if (iequals(d.name, "must-revalidate") || iequals(d.name, "proxy-revalidate")) cc.must_revalidate = true;
    else if (iequals(d.name, "max-age"))
      keep_smallest(cc.max_age, parse_delta_seconds(d.value.value_or("")).value_or(std::chrono::seconds(0)));
    else if (iequals(d.name, "s-maxage"))
      keep_smallest(cc.s_maxage, parse_delta_seconds(d.value.value_or("")).value_or(std::chrono::seconds(0)));
    return true;
  });
  return cc;
}

bool request_says_no_cache(const Request& request) noexcept {
  bool no_cache = false;
  auto look_for_no_cache = [&](std::string_view member) {
    no_cache = iequals(split_directive(member).name, "no-cache");
    return !no_cache;
  };
  if (auto cache_control = request.find("HTTP_CACHE_CONTROL")) for_each_list_member(*cache_control, look_for_no_cache);
  if (auto pragma = request.find("HTTP_PRAGMA"); pragma && !no_cache) for_each_list_member(*pragma, look_for_no_cache);
  return no_cache;
}

}  // namespace pscgi::cache
