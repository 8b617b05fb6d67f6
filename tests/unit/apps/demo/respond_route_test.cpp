#include "apps/demo/routes.hpp"

#include "unit/apps/demo/demo_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace pscgi::apps::demo {
namespace {

using testing::get;
using testing::make_app;

ResponsePtr respond(const std::string& query) { return make_app()->handle(get("/respond?" + query)); }

std::vector<std::string> values_of(const Response& r, std::string_view name) {
  std::vector<std::string> values;
  for (const Header& h : r.headers()) {
    if (h.name == name) values.push_back(h.value);
  }
  return values;
}

TEST(RespondRouteTest, DefaultsToAnEmptyCacheable200) {
  const ResponsePtr r = make_app()->handle(get("/respond"));
  EXPECT_EQ(r->status(), 200);
  EXPECT_EQ(r->body(), "");
  EXPECT_EQ(r->header("Content-Length"), "0");
  EXPECT_EQ(r->header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->cache_policy(), CachePolicy::automatic);
  EXPECT_FALSE(r->lifetime());
}

TEST(RespondRouteTest, UsesTheStatusAsked) {
  for (int status : {100, 201, 301, 404, 410, 503, 599}) {
    EXPECT_EQ(respond("status=" + std::to_string(status))->status(), status);
  }
}

TEST(RespondRouteTest, RefusesStatusesOutOfRange) {
  for (const char* status : {"99", "600", "1000", "-200", "abc", "", "200x"}) {
    EXPECT_EQ(respond(std::string("status=") + status)->status(), 400) << status;
  }
}

TEST(RespondRouteTest, BodyIsDecoded) {
  EXPECT_EQ(respond("body=hello+world%21%0A")->body(), "hello world!\n");
  EXPECT_EQ(respond("body=100%25+sure+50%")->body(), "100% sure 50%");
}

TEST(RespondRouteTest, AddsRepeatedHeadersInOrder) {
  const ResponsePtr r = respond("h=Set-Cookie:a%3D1&h=Vary:Accept-Encoding&h=Set-Cookie:%20b%3D2;%20Path%3D/");
  EXPECT_EQ(values_of(*r, "Set-Cookie"), (std::vector<std::string>{"a=1", "b=2; Path=/"}));
  EXPECT_EQ(r->header("Vary"), "Accept-Encoding");
}

TEST(RespondRouteTest, WhitespaceAroundAValueIsNotPartOfIt) {
  const ResponsePtr r = respond("h=X-A:%20%09one%20two%09%20&h=X-B:three");
  EXPECT_EQ(r->header("X-A"), "one two");
  EXPECT_EQ(r->header("X-B"), "three");
}

TEST(RespondRouteTest, ValuesMayHoldColonsAndEquals) {
  const ResponsePtr r = respond(
      "h=Cache-Control:max-age=60,%20s-maxage=30&h=Last-Modified:Tue,%2001%20Jul%202025%2010:00:00%20GMT"
      "&h=ETag:%22v1%22&h=Expires:0");
  EXPECT_EQ(r->header("Cache-Control"), "max-age=60, s-maxage=30");
  EXPECT_EQ(r->header("Last-Modified"), "Tue, 01 Jul 2025 10:00:00 GMT");
  EXPECT_EQ(r->header("ETag"), "\"v1\"");
  EXPECT_EQ(r->header("Expires"), "0");
}

TEST(RespondRouteTest, AGivenContentTypeReplacesTheDefault) {
  const ResponsePtr r = respond("h=content-type:application/json&body=%7B%7D");
  EXPECT_EQ(values_of(*r, "content-type"), std::vector<std::string>{"application/json"});
  EXPECT_TRUE(values_of(*r, "Content-Type").empty());
  EXPECT_EQ(r->body(), "{}");
}

TEST(RespondRouteTest, ContentLengthIsAlwaysComputed) {
  const ResponsePtr r = respond("h=Content-Length:999&body=abc");
  EXPECT_EQ(values_of(*r, "Content-Length"), std::vector<std::string>{"3"});
}

TEST(RespondRouteTest, AHeaderWithoutColonIs400) {
  const ResponsePtr r = respond("h=A:1&h=NoColon");
  EXPECT_EQ(r->status(), 400);
  EXPECT_NE(r->body().find("'h' (number 2)"), std::string_view::npos) << r->body();
  EXPECT_EQ(respond("h=")->status(), 400);
}

TEST(RespondRouteTest, InvalidHeadersAre400NotInjected) {
  for (const char* query : {"h=Bad%20Name:x", "h=:x", "h=X:a%0D%0AInjected:%201", "h=X:a%00b", "h=X%0A:1"}) {
    const ResponsePtr r = respond(query);
    EXPECT_EQ(r->status(), 400) << query;
    EXPECT_EQ(r->wire().find("Injected"), std::string_view::npos) << query;
  }
}

TEST(RespondRouteTest, RaiseThrows) {
  AppPtr app = make_app();
  EXPECT_THROW(app->handle(get("/respond?raise=1&body=x")), std::runtime_error);
  EXPECT_EQ(app->handle(get("/respond?raise=0"))->status(), 200);
  EXPECT_EQ(app->handle(get("/respond?raise=yes"))->status(), 400);
}

TEST(RespondRouteTest, TtlSetsTheLifetime) {
  EXPECT_EQ(respond("ttl=30")->lifetime(), std::chrono::milliseconds(30'000));
  EXPECT_EQ(respond("ttl=0")->lifetime(), std::chrono::milliseconds(0));
  EXPECT_EQ(respond("ttl=-1")->status(), 400);
  EXPECT_EQ(respond("ttl=soon")->status(), 400);
}

TEST(RespondRouteTest, NocacheMakesItUncacheable) {
  EXPECT_EQ(respond("nocache=1")->cache_policy(), CachePolicy::never);
  EXPECT_EQ(respond("nocache=0")->cache_policy(), CachePolicy::automatic);
  EXPECT_EQ(respond("nocache=2")->status(), 400);
}

TEST(RespondRouteTest, ReflectedBodyIsServedAsPlainTextByDefault) {
  const ResponsePtr r = respond("body=%3Cscript%3Ex%3C/script%3E");
  EXPECT_EQ(r->header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->header("X-Content-Type-Options"), "nosniff");
}

}  // namespace
}  // namespace pscgi::apps::demo
