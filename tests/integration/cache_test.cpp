// The response cache in the real binary, one worker, over SCGI and through real nginx: hits after
// misses, expiry, bypasses, operator invalidation, and the regression this design exists for —
// conditional GETs, plain GETs and HEADs on one cached object, in every order.

#include "harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <regex>
#include <thread>

namespace pscgi::testing {
namespace {

std::string cache_config(const std::string& cache = "") {
  return "listen: unix:{socket}\n"
         "socket_mode: \"0666\"\n"
         "workers: { count: 1, max_requests: 0 }\n"
         "log: { access_log: off }\n"
         "cache: { debug_headers: true, ttl_jitter: 0" + cache + " }\n";
}

std::string renders(const Reply& hello) {
  std::smatch m;
  return std::regex_search(hello.body, m, std::regex("id=\"renders\">([0-9]+)<")) ? m[1].str() : "?";
}

std::string cache_status(const Reply& r) { return r.header("Cache-Status").value_or("(none)"); }

TEST(CacheTest, SecondGetIsAHitThatDoesNotRunTheApp) {
  TempDir dir;
  Server server(dir, cache_config());
  const Reply first = scgi_get(server.socket(), "/hello");
  const Reply second = scgi_get(server.socket(), "/hello");
  EXPECT_EQ(cache_status(first).rfind("pscgi; fwd=miss; stored", 0), 0u) << cache_status(first);
  EXPECT_EQ(cache_status(second).rfind("pscgi; hit; ttl=", 0), 0u) << cache_status(second);
  EXPECT_EQ(renders(first), renders(second)) << "a hit does not move the render counter";
  EXPECT_EQ(first.body, second.body);
  EXPECT_TRUE(second.header("X-Pscgi-Worker"));
  // Another URI is another entry.
  EXPECT_EQ(cache_status(scgi_get(server.socket(), "/hello?x=1")).rfind("pscgi; fwd=miss; stored", 0), 0u);
}

// The exact rule (fresh until the first request's time + ttl, exclusive) is checked on a fake clock
// by CacheStageTest.ASubSecondTtlExpiresExactlyAtItsLifetime. Here the real binary shows an entry
// expiring, with a short ttl and no fixed sleep: it asks again until the miss, within a deadline.
// The clock readings around each request bound what its reply may say: a request sent a ttl after
// the first reply must miss, and one whose reply came within a ttl of the first send must hit (so the
// request right after the first is a hit unless the machine took a whole ttl to answer it).
TEST(CacheTest, EntriesExpireAfterTheirTtl) {
  using std::chrono::steady_clock;
  constexpr auto ttl = std::chrono::milliseconds(300);
  TempDir dir;
  Server server(dir, cache_config(", ttl: 300ms"));
  const auto first_sent = steady_clock::now();
  const Reply first = scgi_get(server.socket(), "/hello");
  const auto first_received = steady_clock::now();
  ASSERT_EQ(cache_status(first).rfind("pscgi; fwd=miss; stored", 0), 0u) << cache_status(first);
  const auto deadline = first_received + std::chrono::seconds(10);
  int hits = 0;
  for (int i = 0;; ++i) {
    const auto sent = steady_clock::now();
    const Reply later = scgi_get(server.socket(), "/hello");
    const auto received = steady_clock::now();
    const std::string status = cache_status(later);
    if (status.rfind("pscgi; hit", 0) == 0) {
      ++hits;
      EXPECT_LT(sent, first_received + ttl) << "request " << i << " was answered from an expired entry";
    } else {
      EXPECT_EQ(status.rfind("pscgi; fwd=miss; stored", 0), 0u) << status;
      EXPECT_GE(received, first_sent + ttl) << "the entry expired before its ttl, at request " << i;
      EXPECT_NE(renders(later), renders(first)) << "the app ran again";
      break;
    }
    ASSERT_LT(received, deadline) << "the entry is still served " << hits << " requests later";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

TEST(CacheTest, AuthorizationAndCookiesBypassTheCache) {
  TempDir dir;
  Server server(dir, cache_config());
  scgi_get(server.socket(), "/hello");  // stored
  const Reply auth = scgi_get(server.socket(), "/hello", {{"HTTP_AUTHORIZATION", "Basic dTpw"}});
  EXPECT_EQ(cache_status(auth), "pscgi; fwd=bypass; detail=authorization");
  const Reply cookie = scgi_get(server.socket(), "/hello", {{"HTTP_COOKIE", "session=abc"}});
  EXPECT_EQ(cache_status(cookie), "pscgi; fwd=bypass; detail=cookie");
  EXPECT_NE(renders(cookie), renders(auth)) << "both went to the app";
  // And a logged-in page never lands in the cache for others.
  const Reply anonymous = scgi_get(server.socket(), "/hello");
  EXPECT_EQ(cache_status(anonymous).rfind("pscgi; hit", 0), 0u);
}

TEST(CacheTest, ResponsesThatSetCookiesAreNotStored) {
  TempDir dir;
  Server server(dir, cache_config());
  const std::string uri = "/respond?body=x&h=Set-Cookie:a%3D1";
  EXPECT_EQ(cache_status(scgi_get(server.socket(), uri)), "pscgi; fwd=miss; detail=set-cookie");
  EXPECT_EQ(cache_status(scgi_get(server.socket(), uri)), "pscgi; fwd=miss; detail=set-cookie");
}

TEST(CacheTest, Usr2EmptiesTheCache) {
  TempDir dir;
  Server server(dir, cache_config());
  scgi_get(server.socket(), "/hello");
  EXPECT_EQ(cache_status(scgi_get(server.socket(), "/hello")).rfind("pscgi; hit", 0), 0u);
  server.signal(SIGUSR2);
  // The master bumps the generation when it takes the signal; wait for that within a deadline.
  std::string status;
  for (int i = 0; i < 200; ++i) {
    status = cache_status(scgi_get(server.socket(), "/hello"));
    if (status.rfind("pscgi; fwd=miss", 0) == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status.rfind("pscgi; fwd=miss; stored", 0), 0u) << status;
  EXPECT_NE(server.log().find("SIGUSR2"), std::string::npos);
}

// The regression the design exists for: a conditional GET must never turn the cached object into
// a 304, and a HEAD must never strip its body.
enum class Kind { get, conditional, head };

void check(Kind kind, const Reply& r, const Reply& full, const std::string& where) {
  SCOPED_TRACE(where);
  switch (kind) {
    case Kind::get:
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.body, full.body);
      EXPECT_EQ(r.header("Content-Length"), std::to_string(full.body.size()));
      break;
    case Kind::conditional:
      EXPECT_EQ(r.status, 304);
      EXPECT_EQ(r.body, "");
      EXPECT_FALSE(r.header("Content-Length") && *r.header("Content-Length") != "0");
      EXPECT_EQ(r.header("ETag"), full.header("ETag"));
      break;
    case Kind::head:
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.body, "");
      break;
  }
}

TEST(CacheTest, ConditionalGetHeadAndGetNeverChangeTheCachedObjectOverScgi) {
  TempDir dir;
  Server server(dir, cache_config());
  const Reply full = scgi_get(server.socket(), "/hello");
  ASSERT_TRUE(full.header("ETag"));
  const std::string etag = *full.header("ETag");
  auto send = [&](Kind kind) {
    switch (kind) {
      case Kind::get: return scgi_get(server.socket(), "/hello");
      case Kind::conditional: return scgi_get(server.socket(), "/hello", {{"HTTP_IF_NONE_MATCH", etag}});
      case Kind::head: return scgi_exchange(server.socket(), scgi_request("HEAD", "/hello"));
    }
    return Reply{};
  };
  std::vector<Kind> order = {Kind::conditional, Kind::get, Kind::head, Kind::conditional};
  check(order[0], send(order[0]), full, "the issue's order, step 1");
  for (std::size_t i = 1; i < order.size(); ++i) check(order[i], send(order[i]), full, "the issue's order");
  std::vector<Kind> kinds = {Kind::get, Kind::conditional, Kind::head};
  do {
    for (Kind k : kinds) check(k, send(k), full, "permutation");
  } while (std::next_permutation(kinds.begin(), kinds.end()));
  const Reply head = send(Kind::head);
  EXPECT_EQ(head.header("Content-Length"), std::to_string(full.body.size())) << "HEAD keeps the GET's length";
  EXPECT_EQ(renders(send(Kind::get)), renders(full)) << "everything above was served from one cached object";
}

TEST(CacheTest, ConditionalGetHeadAndGetThroughNginx) {
  TempDir dir;
  Server server(dir, cache_config());
  Nginx nginx(dir, server.socket());
  const Reply full = http_request(nginx.port(), "GET", "/hello");
  ASSERT_EQ(full.status, 200) << full.raw << nginx.error_log();
  ASSERT_TRUE(full.header("ETag"));
  const std::string etag = *full.header("ETag");
  auto send = [&](Kind kind) {
    switch (kind) {
      case Kind::get: return http_request(nginx.port(), "GET", "/hello");
      case Kind::conditional: return http_request(nginx.port(), "GET", "/hello", {{"If-None-Match", etag}});
      case Kind::head: return http_request(nginx.port(), "HEAD", "/hello");
    }
    return Reply{};
  };
  for (Kind k : {Kind::conditional, Kind::get, Kind::head, Kind::conditional, Kind::head, Kind::get}) {
    check(k, send(k), full, "through nginx");
  }
  const Reply weak = http_request(nginx.port(), "GET", "/hello", {{"If-None-Match", "W/" + etag + ", \"other\""}});
  EXPECT_EQ(weak.status, 304);
  EXPECT_EQ(http_request(nginx.port(), "GET", "/hello", {{"If-None-Match", "\"nope\""}}).status, 200);
  EXPECT_EQ(renders(send(Kind::get)), renders(full));
}

}  // namespace
}  // namespace pscgi::testing
