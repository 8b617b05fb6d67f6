#include "cache/cacheability.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace pscgi::cache {
namespace {

using Vars = std::vector<std::pair<std::string, std::string>>;

Request get(Vars extra = {}, std::string method = "GET") {
  Vars vars = {{"REQUEST_METHOD", std::move(method)}, {"REQUEST_URI", "/"}, {"HTTP_HOST", "example.com"}};
  vars.insert(vars.end(), extra.begin(), extra.end());
  return Request::from_variables(vars);
}

StoreRefusal refusal(const ResponsePtr& response, const config::CacheSettings& settings = {}) {
  return response_store_refusal(*response, parse_response_cache_control(*response), settings);
}

TEST(CacheabilityTest, ReasonNamesAreTheCacheStatusWords) {
  EXPECT_EQ(to_string(BypassReason::no_cache), "no-cache");
  EXPECT_EQ(to_string(BypassReason::authorization), "authorization");
  EXPECT_EQ(to_string(StoreRefusal::set_cookie), "set-cookie");
  EXPECT_EQ(to_string(StoreRefusal::is_private), "private");
  EXPECT_EQ(to_string(StoreRefusal::vary_star), "vary-star");
  EXPECT_EQ(to_string(StoreRefusal::too_large), "too-large");
}

TEST(CacheabilityTest, OnlyConfiguredMethodsUseTheCacheAndHeadSharesGet) {
  config::CacheSettings settings;
  EXPECT_EQ(request_bypass_reason(get(), settings), BypassReason::none);
  EXPECT_EQ(request_bypass_reason(get({}, "HEAD"), settings), BypassReason::none);
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "get"}) {
    EXPECT_EQ(request_bypass_reason(get({}, method), settings), BypassReason::method) << method;
  }
  settings.methods = {"GET"};
  EXPECT_EQ(request_bypass_reason(get({}, "HEAD"), settings), BypassReason::method);
  EXPECT_EQ(method_class("HEAD"), "GET");
  EXPECT_EQ(method_class("GET"), "GET");
  EXPECT_EQ(method_class("POST"), "POST");
}

TEST(CacheabilityTest, AuthorizationBypassesEvenWhenEmpty) {
  EXPECT_EQ(request_bypass_reason(get({{"HTTP_AUTHORIZATION", "Basic eDp5"}}), {}), BypassReason::authorization);
  EXPECT_EQ(request_bypass_reason(get({{"HTTP_AUTHORIZATION", ""}}), {}), BypassReason::authorization);
}

TEST(CacheabilityTest, StarBypassesOnAnyCookieHeader) {
  const std::vector<std::string> star = {"*"};
  EXPECT_TRUE(has_bypass_cookie(get({{"HTTP_COOKIE", "theme=dark"}}), star));
  EXPECT_FALSE(has_bypass_cookie(get({{"HTTP_COOKIE", "  "}}), star));
  EXPECT_FALSE(has_bypass_cookie(get(), star));
  EXPECT_FALSE(has_bypass_cookie(get({{"HTTP_COOKIE", "theme=dark"}}), {}));
}

TEST(CacheabilityTest, NamedCookiesBypassOnlyWhenPresentByExactName) {
  const std::vector<std::string> named = {"session", "auth"};
  EXPECT_TRUE(has_bypass_cookie(get({{"HTTP_COOKIE", "theme=dark; session=abc"}}), named));
  EXPECT_TRUE(has_bypass_cookie(get({{"HTTP_COOKIE", "auth=1"}}), named));
  EXPECT_TRUE(has_bypass_cookie(get({{"HTTP_COOKIE", "theme=dark;session"}}), named));
  EXPECT_FALSE(has_bypass_cookie(get({{"HTTP_COOKIE", "theme=dark; sessionid=abc"}}), named));
  EXPECT_FALSE(has_bypass_cookie(get({{"HTTP_COOKIE", "theme=session"}}), named));
  EXPECT_FALSE(has_bypass_cookie(get({{"HTTP_COOKIE", "Session=abc"}}), named));
  config::CacheSettings settings;
  settings.bypass_cookies = named;
  EXPECT_EQ(request_bypass_reason(get({{"HTTP_COOKIE", "session=1"}}), settings), BypassReason::cookie);
  EXPECT_EQ(request_bypass_reason(get({{"HTTP_COOKIE", "theme=1"}}), settings), BypassReason::none);
}

TEST(CacheabilityTest, RequestNoCacheIsIgnoredUnlessHonoured) {
  config::CacheSettings settings;
  const Request pragma = get({{"HTTP_PRAGMA", "no-cache"}});
  const Request cache_control = get({{"HTTP_CACHE_CONTROL", "no-cache"}});
  EXPECT_EQ(request_bypass_reason(pragma, settings), BypassReason::none);
  EXPECT_EQ(request_bypass_reason(cache_control, settings), BypassReason::none);
  settings.honor_request_no_cache = true;
  EXPECT_EQ(request_bypass_reason(pragma, settings), BypassReason::no_cache);
  EXPECT_EQ(request_bypass_reason(cache_control, settings), BypassReason::no_cache);
}

TEST(CacheabilityTest, DefaultStatusesAreStoredOthersAreNot) {
  for (int status : {200, 203, 204, 300, 301, 404, 410}) {
    EXPECT_EQ(refusal(ResponseBuilder(status).body("x").finish()), StoreRefusal::none) << status;
  }
  for (int status : {201, 206, 302, 304, 307, 400, 403, 500, 503}) {
    EXPECT_EQ(refusal(ResponseBuilder(status).body("x").finish()), StoreRefusal::status) << status;
  }
  config::CacheSettings settings;
  settings.statuses = {302};
  EXPECT_EQ(refusal(ResponseBuilder(302).finish(), settings), StoreRefusal::none);
  EXPECT_EQ(refusal(ResponseBuilder(200).finish(), settings), StoreRefusal::status);
}

TEST(CacheabilityTest, EachResponseSideRefusal) {
  EXPECT_EQ(refusal(ResponseBuilder(200).uncacheable().finish()), StoreRefusal::uncacheable);
  EXPECT_EQ(refusal(ResponseBuilder(200).header("Set-Cookie", "a=1").finish()), StoreRefusal::set_cookie);
  EXPECT_EQ(refusal(ResponseBuilder(200).header("set-cookie", "a=1").finish()), StoreRefusal::set_cookie);
  EXPECT_EQ(refusal(ResponseBuilder(200).header("Cache-Control", "public, private").finish()),
            StoreRefusal::is_private);
  EXPECT_EQ(refusal(ResponseBuilder(200).header("Cache-Control", "No-Store").finish()), StoreRefusal::no_store);
  EXPECT_EQ(refusal(ResponseBuilder(200).header("Cache-Control", "no-cache").finish()), StoreRefusal::no_cache);
  EXPECT_EQ(refusal(ResponseBuilder(200).header("Vary", "Accept, *").finish()), StoreRefusal::vary_star);
  EXPECT_EQ(refusal(ResponseBuilder(200).header("Vary", "Accept").finish()), StoreRefusal::none);
  EXPECT_EQ(refusal(ResponseBuilder(200).header("Cache-Control", "max-age=60, public").finish()), StoreRefusal::none);
}

TEST(CacheabilityTest, DerivedAnswersAreNeverStored) {
  const config::CacheSettings settings;
  const auto full = ResponseBuilder(200).body("0123456789").finish();
  EXPECT_FALSE(is_incomplete(*full));
  EXPECT_TRUE(is_incomplete(*full->without_body())) << "a HEAD answer keeps the GET's Content-Length";
  EXPECT_EQ(response_store_refusal(*full->without_body(), parse_response_cache_control(*full), settings),
            StoreRefusal::incomplete);
  EXPECT_TRUE(is_incomplete(*ResponseBuilder(304).finish()));
  EXPECT_FALSE(is_incomplete(*ResponseBuilder(204).finish()));
}

TEST(CacheabilityTest, ObjectLimitCountsHeadAndBody) {
  auto response = ResponseBuilder(200).body(std::string(100, 'x')).no_etag().finish();
  config::CacheSettings settings;
  settings.max_object_bytes = response->wire().size();
  EXPECT_EQ(refusal(response, settings), StoreRefusal::none);
  settings.max_object_bytes = response->wire().size() - 1;  // the body alone still fits
  ASSERT_GT(settings.max_object_bytes, response->body().size());
  EXPECT_EQ(refusal(response, settings), StoreRefusal::too_large);
}

}  // namespace
}  // namespace pscgi::cache
