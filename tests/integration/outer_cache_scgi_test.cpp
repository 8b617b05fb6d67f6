// cache.outer over raw SCGI: the exact X-Accel-Expires pscgi sends for each kind of answer, "@V" or
// "0", and none without cache.outer (docs/cache.md, "Two cache levels"). The same answers through
// real nginx: two_cache_levels_test.cpp.

#include "two_levels.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace pscgi::testing {
namespace {

// An answer pscgi made between `sent` and `received`, that pscgi itself keeps until a time between
// `earliest_end` and `latest_end`, under outer_max_ttl `cap`. nginx keeps it while its clock's second
// is at most V, and pscgi gives the last V both bounds allow: the current second plus `cap`, as
// nginx counts `scgi_cache_valid`, and V + 1 <= pscgi's own end. "0" when even the current second
// ends after pscgi's.
void expect_kept_until(const Reply& r, WallClock::time_point sent, WallClock::time_point received,
                       WallClock::time_point earliest_end, WallClock::time_point latest_end, std::chrono::seconds cap,
                       const std::string& what) {
  SCOPED_TRACE(what);
  const auto whole = [](WallClock::time_point t) { return static_cast<long>(std::floor(seconds_since_epoch(t))); };
  const auto last = [&](WallClock::time_point at, WallClock::time_point end) {
    return std::min(whole(at) + static_cast<long>(cap.count()), whole(end) - 1);
  };
  const long lowest = last(sent, earliest_end);
  const long highest = last(received, latest_end);
  const std::string value = accel(r);
  if (highest < whole(sent)) {
    EXPECT_EQ(value, "0") << "nothing to keep: the second it would end has passed";
  } else if (value != "0" || lowest >= whole(received)) {
    ASSERT_EQ(value.rfind('@', 0), 0u) << value;
    const long v = std::stol(value.substr(1));
    EXPECT_GE(v, lowest) << value;
    EXPECT_LE(v, highest) << value;
  }
}

/// A GET over SCGI, whose answer pscgi keeps `left` from the request, with outer_max_ttl `cap`.
void expect_get_kept(const Server& server, const std::string& uri, std::chrono::milliseconds left,
                     std::chrono::seconds cap, const std::string& what) {
  const auto sent = WallClock::now();
  const Reply r = scgi_send(server, "GET", uri);
  const auto received = WallClock::now();
  EXPECT_TRUE(r.ok) << what;
  expect_kept_until(r, sent, received, sent + left, received + left, cap, what);
}

// What pscgi would not let nginx keep: "0" with cache.outer, nothing without it.
const std::vector<Case> kNotKept = {
    {"GET", "/respond?h=Set-Cookie:a%3D1&body=x", {}, 200, "Set-Cookie", ""},
    {"GET", "/respond?nocache=1&body=x", {}, 200, "uncacheable()", ""},
    {"GET", "/respond?h=Cache-Control:private&body=x", {}, 200, "private", ""},
    {"GET", "/hello", {{"Authorization", "Basic dTpw"}}, 200, "credentials", ""},
    {"GET", "/hello", {{"Cookie", "theme=dark"}}, 200, "a cookie", ""},
    {"HEAD", "/hello", {}, 200, "a HEAD answered from pscgi's cache", ""},
    {"HEAD", "/hello?fresh", {}, 200, "a HEAD that misses", ""},
    {"GET", kPage, {{"If-None-Match", "\"v1\""}}, 304, "a 304", ""},
    {"GET", kPage, {{"If-Modified-Since", kLastModified}}, 304, "a 304 for a date", ""},
    {"GET", "/respond?status=202&body=x", {}, 202, "a status not stored", ""},
    {"GET", "/respond?status=500", {}, 500, "a 500", ""},
    {"GET", "/respond?status=503", {}, 503, "a 503", ""},
    {"GET", "/respond?raise=1", {}, 500, "an exception", ""},
    {"POST", "/respond?body=x", {}, 200, "a POST", ""},
};

// Over SCGI, with outer_max_ttl 1 s: stored pages and their hits "@V" with V the second after the
// current one (nginx's count of 1 s), everything else "0".
TEST(OuterCacheScgiTest, ScgiAnswersCarryTheExactXAccelExpires) {
  TempDir dir;
  Server server(dir, outer_config());
  expect_get_kept(server, "/hello", 10s, 1s, "a stored miss (cache.ttl 10 s)");
  expect_get_kept(server, "/hello", 9s, 1s, "its hit");
  expect_get_kept(server, "/respond?ttl=5&body=x", 5s, 1s, "cache_for(5 s)");
  expect_get_kept(server, "/respond?h=Cache-Control:max-age%3D60&body=x", 60s, 1s, "max-age=60");
  expect_get_kept(server, "/respond?status=404&body=x", 10s, 1s, "a 404 (stored by default)");
  scgi_send(server, "GET", kPage);  // stored, so that the conditional requests below meet it
  for (const Case& c : kNotKept) {
    const Reply r = scgi_send(server, c.method, c.uri, c.headers);
    EXPECT_EQ(r.status, c.status) << c.what;
    EXPECT_EQ(accel(r), "0") << c.what;
  }
  // A lifetime shorter than outer_max_ttl bounds nginx's: a cache_for(100 ms) answer made in a
  // second's last 100 ms is kept to that second's end; made earlier, not at all.
  wait_for_second_fraction(0.93);
  expect_get_kept(server, "/respond?ttl_ms=100&body=late", 100ms, 1s, "cache_for(100 ms) late in a second");
  wait_for_second_fraction(0.3);
  expect_get_kept(server, "/respond?ttl_ms=100&body=early", 100ms, 1s, "cache_for(100 ms) early in a second");
}

// On a hit, what is left of pscgi's lifetime bounds nginx's, when it ends before outer_max_ttl.
TEST(OuterCacheScgiTest, OnAHitWhatIsLeftOfPscgisLifetimeBoundsNginxs) {
  TempDir dir;
  Server server(dir, outer_config(", outer: true, outer_max_ttl: 3s"));
  expect_get_kept(server, "/hello", 10s, 3s, "a miss, kept for outer_max_ttl (3 s)");
  // Stored at a second's 0.3 for 2 s; asked again 0.8 s later: 1.2 s left, ending at the next
  // second's 0.3, where outer_max_ttl alone would allow three seconds more.
  wait_for_second_fraction(0.3);
  const auto stored_sent = WallClock::now();
  const Reply stored = scgi_send(server, "GET", "/respond?ttl=2&body=x");
  const auto stored_received = WallClock::now();
  ASSERT_EQ(layer_status(stored, "pscgi").rfind("fwd=miss; stored", 0), 0u) << layer_status(stored, "pscgi");
  wait_for_second_fraction(0.1);
  const auto sent = WallClock::now();
  const Reply hit = scgi_send(server, "GET", "/respond?ttl=2&body=x");
  const auto received = WallClock::now();
  ASSERT_EQ(layer_status(hit, "pscgi").rfind("hit", 0), 0u) << layer_status(hit, "pscgi");
  expect_kept_until(hit, sent, received, stored_sent + 2s, stored_received + 2s, 3s, "a hit with 1.2 s left");
}

TEST(OuterCacheScgiTest, WithoutCacheOuterNoAnswerCarriesXAccelExpires) {
  TempDir dir;
  Server server(dir, outer_config(""));
  std::vector<Case> cases = kNotKept;
  cases.push_back({"GET", "/hello", {}, 200, "a stored miss", ""});
  cases.push_back({"GET", "/hello", {}, 200, "a hit", ""});
  cases.push_back({"GET", "/respond?ttl_ms=100&body=x", {}, 200, "cache_for(100 ms)", ""});
  scgi_send(server, "GET", kPage);
  for (const Case& c : cases) {
    const Reply r = scgi_send(server, c.method, c.uri, c.headers);
    EXPECT_EQ(r.status, c.status) << c.what;
    EXPECT_EQ(accel(r), "(none)") << c.what;
  }
}

}  // namespace
}  // namespace pscgi::testing
