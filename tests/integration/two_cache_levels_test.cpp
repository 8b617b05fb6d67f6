// Two cache levels through real nginx (issue 13): the microcache block shipped in config/nginx.conf,
// uncommented as an operator would, in front of pscgi with `cache.outer: true`. What nginx may keep
// and for how long comes from pscgi's X-Accel-Expires alone: hits that never reach pscgi's access
// log, lifetimes, what is never stored, HEAD and conditional requests, and the header never
// reaching a client. The header's exact values: outer_cache_scgi_test.cpp.

#include "two_levels.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <thread>

namespace pscgi::testing {
namespace {

TEST(TwoCacheLevelsTest, ACacheablePageIsAnsweredByNginxUntilOuterMaxTtl) {
  TwoLevels two;
  wait_for_second_fraction(0.02);  // a whole second for the page to be kept
  const auto first_sent = WallClock::now();
  const Reply first = two.get("/hello");
  const auto first_received = WallClock::now();
  ASSERT_EQ(first.status, 200) << first.raw << two.nginx.error_log();
  EXPECT_EQ(layer_status(first, "nginx"), "fwd=miss");
  EXPECT_EQ(layer_status(first, "pscgi").rfind("fwd=miss; stored", 0), 0u) << layer_status(first, "pscgi");

  // nginx keeps it while its clock's second is at most V = (the second pscgi stored it in) + 1, as
  // nginx counts outer_max_ttl 1 s: until the end of the next second, 1 to 2 s after the store.
  // Times below are in seconds after first_received.
  const double store = seconds_since_epoch(first_received);
  const double earliest_expiry = std::floor(seconds_since_epoch(first_sent)) + 2 - store;
  const double latest_expiry = std::floor(seconds_since_epoch(first_received)) + 2 - store;
  int hits = 0;
  Reply after;
  for (;;) {
    const double sent = seconds_since_epoch(WallClock::now()) - store;
    after = two.get("/hello");
    const double received = seconds_since_epoch(WallClock::now()) - store;
    if (!nginx_hit(after)) {
      EXPECT_GE(received, earliest_expiry - kMargin) << "nginx dropped it early, after " << hits << " hits";
      break;
    }
    ++hits;
    ASSERT_LT(sent, latest_expiry + kMargin) << "nginx answered a hit past outer_max_ttl, in its own seconds";
    ASSERT_EQ(after.body, first.body) << "a hit is the stored page";
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GE(hits, 10) << "the page was kept for most of a second";
  EXPECT_EQ(layer_status(after, "nginx"), "fwd=stale");
  // Expired in nginx, still fresh in pscgi (cache.ttl 10 s): pscgi answers from its cache, and
  // nginx keeps that answer again.
  EXPECT_EQ(layer_status(after, "pscgi").rfind("hit", 0), 0u) << layer_status(after, "pscgi");
  EXPECT_TRUE(nginx_hit(two.get("/hello")));

  const std::string log = two.access_log();
  EXPECT_EQ(logged(log, "GET", "/hello"), 2) << "only the first request and the one after expiry reach pscgi:\n" << log;
}

struct NeverStored {
  std::string uri;
  std::vector<std::pair<std::string, std::string>> headers;
};

TEST(TwoCacheLevelsTest, WhatPscgiWouldNotStoreNginxNeverStores) {
  TwoLevels two;
  const std::vector<NeverStored> cases = {
      {"/respond?h=Set-Cookie:a%3D1&body=x", {}},
      {"/respond?nocache=1&body=x", {}},
      {"/respond?h=Cache-Control:private&body=x", {}},
      {"/respond?body=with-authorization", {{"Authorization", "Basic dTpw"}}},
      {"/respond?body=with-cookie", {{"Cookie", "theme=dark"}}},
  };
  constexpr int repeats = 4;
  // All of it inside one second of nginx's clock, so that anything stored would still be fresh.
  wait_for_second_fraction(0.02);
  for (const NeverStored& c : cases) {
    for (int i = 0; i < repeats; ++i) {
      const Reply r = two.get(c.uri, c.headers);
      EXPECT_EQ(r.status, 200) << c.uri;
      EXPECT_FALSE(nginx_hit(r)) << c.uri << " was answered from nginx's cache";
    }
  }
  // Credentials did not store the page for others either, and a page stored for everyone is not
  // answered to a request with a cookie or credentials.
  EXPECT_EQ(layer_status(two.get("/respond?body=with-authorization"), "nginx"), "fwd=miss");
  EXPECT_EQ(layer_status(two.get("/respond?body=with-cookie"), "nginx"), "fwd=miss");
  const Reply control = two.get("/respond?body=x");
  EXPECT_EQ(layer_status(control, "nginx"), "fwd=miss");
  EXPECT_TRUE(nginx_hit(two.get("/respond?body=x"))) << "the same page without those reasons is kept";
  EXPECT_EQ(layer_status(two.get("/respond?body=x", {{"Cookie", "session=1"}}), "nginx"), "fwd=bypass");
  EXPECT_EQ(layer_status(two.get("/respond?body=x", {{"Authorization", "Bearer t"}}), "nginx"), "fwd=bypass");

  const std::string log = two.access_log();
  for (const NeverStored& c : cases) {
    const int expected = repeats + (c.headers.empty() ? 0 : 1);
    EXPECT_EQ(logged(log, "GET", c.uri), expected) << c.uri << "\n" << log;
  }
  EXPECT_EQ(logged(log, "GET", "/respond?body=x"), 3) << "the control: stored once, bypassed twice\n" << log;
}

// cache_for(100 ms): nginx may keep such an answer only to the end of a second that ends within
// those 100 ms, i.e. when it was rendered in a second's last 100 ms. The repeats start there, so the
// first render is kept, and go on for 1.5 s: every hit must come within 100 ms of the render it
// was stored from (the last one pscgi reports as stored).
TEST(TwoCacheLevelsTest, ACacheForOfOneHundredMillisecondsIsKeptByNginxNoLonger) {
  TwoLevels two;
  const std::string uri = "/respond?ttl_ms=100&body=x";
  const auto start = wait_for_second_fraction(0.91);
  std::optional<double> last_render;  // when the answer of the last render arrived (seconds)
  int hits = 0;
  int reached = 0;
  while (WallClock::now() < start + 1500ms) {
    const double sent = seconds_since_epoch(WallClock::now());
    const Reply r = two.get(uri);
    const double received = seconds_since_epoch(WallClock::now());
    ASSERT_EQ(r.status, 200) << r.raw;
    if (nginx_hit(r)) {
      ++hits;
      ASSERT_TRUE(last_render) << "a hit before any render";
      ASSERT_LT(sent - *last_render, 0.1 + kMargin)
          << "seconds from the render to a hit nginx answered";
    } else {
      ++reached;
      const std::string pscgi = layer_status(r, "pscgi");
      if (pscgi.find("stored") != std::string::npos) {
        last_render = received;
      } else {
        EXPECT_EQ(pscgi.rfind("hit", 0), 0u) << "neither stored nor a hit: " << pscgi;
      }
    }
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GE(hits, 1) << "the render at a second's last 100 ms was kept to the end of that second";
  EXPECT_EQ(logged(two.access_log(), "GET", uri), reached) << "every answer that was not a hit came from pscgi";
}

enum class Kind { get, if_none_match, if_modified_since, head };

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::get: return "GET";
    case Kind::if_none_match: return "If-None-Match";
    case Kind::if_modified_since: return "If-Modified-Since";
    case Kind::head: return "HEAD";
  }
  return "?";
}

Reply send_kind(TwoLevels& two, Kind kind, const std::string& uri) {
  switch (kind) {
    case Kind::get: return two.get(uri);
    case Kind::if_none_match: return two.get(uri, {{"If-None-Match", "\"v1\""}});
    case Kind::if_modified_since: return two.get(uri, {{"If-Modified-Since", kLastModified}});
    case Kind::head: return two.send("HEAD", uri);
  }
  return {};
}

// A conditional request gets a bodiless 304 or the whole page; a GET the whole page; a HEAD the
// page's head alone.
void check_kind(Kind kind, const Reply& r, const std::string& where) {
  SCOPED_TRACE(where + ", " + kind_name(kind) + ", nginx: " + layer_status(r, "nginx"));
  switch (kind) {
    case Kind::get:
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.body, "the page");
      EXPECT_EQ(r.header("Content-Length"), "8");
      break;
    case Kind::if_none_match:
    case Kind::if_modified_since:
      EXPECT_EQ(r.status, 304) << r.raw;
      EXPECT_EQ(r.body, "");
      EXPECT_FALSE(r.header("Content-Length") && *r.header("Content-Length") != "0") << r.raw;
      EXPECT_EQ(r.header("ETag"), "\"v1\"");
      break;
    case Kind::head:
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.body, "");
      EXPECT_EQ(r.header("Content-Length"), "8");
      break;
  }
}

TEST(TwoCacheLevelsTest, HeadAndConditionalRequestsNeverGetABodyWithA304) {
  TwoLevels two;
  make_room_in_second(0.2);  // the three requests below, in one second of nginx's clock
  // A HEAD first is not kept (its answer has no body): the GET after it reaches pscgi and gets the
  // page; then a HEAD answered from nginx's cache has no body.
  const std::string head_first = kPage + "&order=head-first";
  const Reply head = send_kind(two, Kind::head, head_first);
  check_kind(Kind::head, head, "HEAD first");
  EXPECT_EQ(layer_status(head, "nginx"), "fwd=miss");
  const Reply get = send_kind(two, Kind::get, head_first);
  check_kind(Kind::get, get, "GET after a HEAD");
  EXPECT_EQ(layer_status(get, "nginx"), "fwd=miss") << "the HEAD's answer was not stored";
  const Reply cached_head = send_kind(two, Kind::head, head_first);
  check_kind(Kind::head, cached_head, "HEAD after a GET");
  EXPECT_TRUE(nginx_hit(cached_head)) << layer_status(cached_head, "nginx");

  // Every order of the four kinds, each on a URI of its own so that its first request is a miss,
  // each inside one second of nginx's clock so that the page stays kept from its first GET on.
  std::vector<Kind> kinds = {Kind::get, Kind::if_none_match, Kind::if_modified_since, Kind::head};
  std::vector<std::pair<std::string, bool>> orders;  // URI, whether it begins with a HEAD
  do {
    make_room_in_second(0.2);
    const std::string uri = kPage + "&order=" + std::to_string(orders.size() + 1);
    std::string where = "order";
    for (Kind k : kinds) where += std::string(" ") + kind_name(k);
    for (Kind k : kinds) check_kind(k, send_kind(two, k, uri), where);
    EXPECT_TRUE(nginx_hit(send_kind(two, Kind::get, uri))) << where << ": the page is kept whatever came first";
    orders.emplace_back(uri, kinds.front() == Kind::head);
  } while (std::next_permutation(kinds.begin(), kinds.end()));

  // pscgi saw the HEAD that came first (nginx passes a HEAD on a miss as a HEAD, and keeps nothing
  // of it), then one GET: a conditional request reaches it as a plain GET, which nginx keeps.
  const std::string log = two.access_log();
  EXPECT_EQ(logged(log, "HEAD", head_first), 1);
  EXPECT_EQ(logged(log, "GET", head_first), 1);
  for (const auto& [uri, head_came_first] : orders) {
    EXPECT_EQ(logged(log, "HEAD", uri), head_came_first ? 1 : 0) << uri;
    EXPECT_EQ(logged(log, "GET", uri), 1) << uri;
  }
}

TEST(TwoCacheLevelsTest, XAccelExpiresNeverReachesAClient) {
  TwoLevels two;
  const std::vector<Case> cases = {
      {"GET", "/hello", {}, 200, "a miss", "fwd=miss"},
      {"GET", "/hello", {}, 200, "a hit", "hit"},
      {"HEAD", "/hello", {}, 200, "a HEAD hit", "hit"},
      {"HEAD", "/hello?head", {}, 200, "a HEAD miss", "fwd=miss"},
      {"GET", "/hello", {{"Cookie", "a=1"}}, 200, "a bypass for a cookie", "fwd=bypass"},
      {"GET", "/hello", {{"Authorization", "Basic dTpw"}}, 200, "a bypass for credentials", "fwd=bypass"},
      {"GET", kPage, {}, 200, "a page with validators", "fwd=miss"},
      {"GET", kPage, {{"If-None-Match", "\"v1\""}}, 304, "a 304", "hit"},
      {"GET", "/respond?status=404&body=gone", {}, 404, "a 404", "fwd=miss"},
      {"GET", "/respond?status=500", {}, 500, "a 500", "fwd=miss"},
      {"GET", "/respond?status=503", {}, 503, "a 503", "fwd=miss"},
      {"GET", "/respond?raise=1", {}, 500, "an exception", "fwd=miss"},
      {"GET", "/respond?nocache=1", {}, 200, "uncacheable", "fwd=miss"},
      {"POST", "/respond?body=x", {}, 200, "a POST", "fwd=method"},
  };
  make_room_in_second(0.2);  // the hits above come within one second of nginx's clock
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const Reply r = two.send(c.method, c.uri, c.headers);  // checks that the header is absent
    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(layer_status(r, "nginx"), c.nginx);
  }
  // pscgi did send it on each, and nginx took it out.
  for (const Case& c : cases) EXPECT_NE(accel(scgi_send(two.server, c.method, c.uri, c.headers)), "(none)") << c.what;
}

}  // namespace
}  // namespace pscgi::testing
