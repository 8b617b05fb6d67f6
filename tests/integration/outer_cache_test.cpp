// Two cache levels (issue 13): real nginx runs the microcache block shipped in config/nginx.conf,
// uncommented as an operator would, in front of pscgi with `cache.outer: true`. What nginx may keep
// and for how long comes from pscgi's X-Accel-Expires alone; these tests check that through nginx
// (hits that never reach pscgi's access log, lifetimes, what is never stored, HEAD and conditional
// requests, the header never reaching a client), and the header's exact values over raw SCGI.

#include "harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <strings.h>
#include <thread>

namespace pscgi::testing {
namespace {

// nginx reads X-Accel-Expires "@V" against its own reading of the wall clock, so the test does too.
using WallClock = std::chrono::system_clock;

// The harness defines PSCGI_FIXTURES_DIR as <source>/tests/fixtures: the shipped site is beside it.
const std::string kShippedSite = PSCGI_FIXTURES_DIR "/../../config/nginx.conf";
const std::string kShippedCachePath = "/var/cache/nginx-pscgi";

// The slack allowed around a time bound, in seconds: request timing and clock reads, never a second.
constexpr double kMargin = 0.005;

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) {
    throw std::runtime_error(kShippedSite + ": expected \"" + from + "\" exactly once");
  }
  text.replace(at, from.size(), to);
}

// Uncomments the lines between the marker pairs as docs tell operators to: every line between the
// markers starts (after its indentation) with "# ", and that is removed.
std::string uncomment_marked_blocks(const std::string& site) {
  const std::vector<std::pair<std::string, std::string>> markers = {
      {"# --- two cache levels (docs/cache.md) ---", "# --- end of two cache levels ---"},
      {"# --- two cache levels, location part ---", "# --- end of location part ---"}};
  std::istringstream in(site);
  std::ostringstream out;
  std::string line;
  std::string closing;  // the end marker awaited, while inside a block
  int blocks = 0;
  while (std::getline(in, line)) {
    const std::size_t indent = line.find_first_not_of(' ');
    const std::string text = indent == std::string::npos ? "" : line.substr(indent);
    if (closing.empty()) {
      for (const auto& [open, close] : markers) {
        if (text == open) closing = close;
      }
      if (!closing.empty()) ++blocks;
    } else if (text == closing) {
      closing.clear();
    } else if (text.rfind("# ", 0) == 0) {
      line = line.substr(0, indent) + text.substr(2);
    } else {
      throw std::runtime_error(kShippedSite + ": a line inside a marked block is not commented with \"# \": " + line);
    }
    out << line << '\n';
  }
  if (blocks != 2 || !closing.empty()) throw std::runtime_error(kShippedSite + ": expected both marked blocks, each closed");
  return out.str();
}

// The shipped site, microcache on, with its upstream, port and cache directory moved into the test's.
std::string shipped_site_with_outer_cache(const std::string& socket, const std::string& cache_dir, int port) {
  std::string site = uncomment_marked_blocks(read_file(kShippedSite));
  replace_once(site, "unix:/run/pscgi/pscgi.sock", "unix:" + socket);
  replace_once(site, "listen 127.0.0.1:8080;", "listen 127.0.0.1:" + std::to_string(port) + ";");
  replace_once(site, kShippedCachePath + " ", cache_dir + " ");
  return site;
}

// One worker, so that its access log lines come in request order; no jitter, so lifetimes are exact.
std::string outer_config(const std::string& cache_extra = ", outer: true, outer_max_ttl: 1s") {
  return "listen: unix:{socket}\n"
         "socket_mode: \"0666\"\n"
         "workers: { count: 1, max_requests: 0 }\n"
         "log: { access_log: {dir}/access.log }\n"
         "cache: { debug_headers: true, ttl_jitter: 0" + cache_extra + " }\n";
}

/// pscgi with cache.outer behind nginx running the shipped block.
struct TwoLevels {
  TempDir dir;
  Server server{dir, outer_config()};
  Nginx nginx{dir, [this](int port) { return shipped_site_with_outer_cache(server.socket(), dir.file("nginx-cache"), port); }};

  /// An HTTP request through nginx; whatever it is, the answer never shows X-Accel-Expires.
  Reply send(const std::string& method, const std::string& uri, const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    Reply reply = http_request(nginx.port(), method, uri, headers);
    EXPECT_TRUE(reply.ok) << method << " " << uri << ": " << reply.raw << nginx.error_log();
    EXPECT_FALSE(reply.header("X-Accel-Expires")) << method << " " << uri << " leaked it:\n" << reply.raw;
    return reply;
  }
  Reply get(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return send("GET", uri, headers);
  }

  /// pscgi's access log once every line written so far is in the file. A worker writes its lines
  /// at most a second after the oldest (log::access_flush_interval): a request of its own, sent
  /// straight over SCGI, is the last line, and the wait ends when it shows.
  std::string access_log() {
    const std::string mark = "/respond?body=mark&mark=" + std::to_string(++marks_);
    scgi_get(server.socket(), mark);
    const bool flushed = wait_until([&] { return read_file(dir.file("access.log")).find(mark + "\"") != std::string::npos; }, 5s);
    EXPECT_TRUE(flushed) << "the access log never showed " << mark;
    return read_file(dir.file("access.log"));
  }

 private:
  int marks_ = 0;
};

/// How many times pscgi logged `method uri` (the whole request target, quoted in the log).
int logged(const std::string& log, const std::string& method, const std::string& uri) {
  return count_occurrences(log, "\"" + method + " " + uri + "\"");
}

/// The Cache-Status entry of one layer ("nginx" or "pscgi"), without the name; "(none)" if absent.
std::string layer_status(const Reply& r, const std::string& layer) {
  for (const auto& [name, value] : r.headers) {
    if (name.size() == 12 && ::strncasecmp(name.c_str(), "Cache-Status", 12) == 0 && value.rfind(layer + "; ", 0) == 0) {
      return value.substr(layer.size() + 2);
    }
  }
  return "(none)";
}
bool nginx_hit(const Reply& r) { return layer_status(r, "nginx").rfind("hit", 0) == 0; }

double seconds_since_epoch(WallClock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

/// Sleeps until `fraction` of the way through a wall-clock second, so that what follows happens
/// in one known second of nginx's clock (its entries expire at a second's boundary).
WallClock::time_point wait_for_second_fraction(double fraction) {
  const double now = seconds_since_epoch(WallClock::now());
  double target = std::floor(now) + fraction;
  if (target <= now) target += 1;
  std::this_thread::sleep_for(std::chrono::duration<double>(target - now));
  return WallClock::now();
}

/// Waits for the next second when less than `room` (a fraction) of this one is left.
void make_room_in_second(double room) {
  const double now = seconds_since_epoch(WallClock::now());
  if (now - std::floor(now) > 1 - room) wait_for_second_fraction(0.02);
}

TEST(OuterCacheTest, ACacheablePageIsAnsweredByNginxUntilOuterMaxTtl) {
  TwoLevels two;
  wait_for_second_fraction(0.02);  // a whole second for the page to be kept
  const auto first_sent = WallClock::now();
  const Reply first = two.get("/hello");
  const auto first_received = WallClock::now();
  ASSERT_EQ(first.status, 200) << first.raw << two.nginx.error_log();
  EXPECT_EQ(layer_status(first, "nginx"), "fwd=miss");
  EXPECT_EQ(layer_status(first, "pscgi").rfind("fwd=miss; stored", 0), 0u) << layer_status(first, "pscgi");

  // nginx keeps it while its clock's second is at most V, where V + 1 <= (the store) + outer_max_ttl,
  // and pscgi gives the largest such V: it is kept until floor(first_sent + 1 s) at least, and never
  // 1 s past first_received. Times below are in seconds after first_received.
  const double store = seconds_since_epoch(first_received);
  const double earliest_expiry = std::floor(seconds_since_epoch(first_sent + 1s)) - store;
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
    ASSERT_LT(sent, 1.0 + kMargin) << "nginx answered a hit past outer_max_ttl";
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

TEST(OuterCacheTest, WhatPscgiWouldNotStoreNginxNeverStores) {
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
TEST(OuterCacheTest, ACacheForOfOneHundredMillisecondsIsKeptByNginxNoLonger) {
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

const std::string kLastModified = "Tue, 01 Jul 2025 10:00:00 GMT";

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::get: return "GET";
    case Kind::if_none_match: return "If-None-Match";
    case Kind::if_modified_since: return "If-Modified-Since";
    case Kind::head: return "HEAD";
  }
  return "?";
}

const std::string kPage = "/respond?h=ETag:%22v1%22&h=Last-Modified:Tue,%2001%20Jul%202025%2010:00:00%20GMT&body=the+page";

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

TEST(OuterCacheTest, HeadAndConditionalRequestsNeverGetABodyWithA304) {
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

std::string cgi_name(const std::string& header) {
  std::string name = "HTTP_";
  for (char c : header) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

using Headers = std::vector<std::pair<std::string, std::string>>;

Reply scgi_send(const Server& server, const std::string& method, const std::string& uri, const Headers& headers = {}) {
  Headers vars;
  for (const auto& [name, value] : headers) vars.emplace_back(cgi_name(name), value);
  return scgi_exchange(server.socket(), scgi_request(method, uri, vars));
}

std::string accel(const Reply& r) { return r.header("X-Accel-Expires").value_or("(none)"); }

struct Case {
  std::string method;
  std::string uri;
  Headers headers;
  int status;
  std::string what;
  std::string nginx;  ///< nginx's Cache-Status entry expected through nginx
};

TEST(OuterCacheTest, XAccelExpiresNeverReachesAClient) {
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

// An answer pscgi made between `sent` and `received`, that pscgi itself keeps until a time between
// `earliest_end` and `latest_end` (its remaining lifetime capped by outer_max_ttl): nginx keeps it
// while its clock's second <= V, so pscgi must give the last V with V + 1 <= that end; "0" when
// even the current second ends later.
void expect_kept_until(const Reply& r, WallClock::time_point sent, WallClock::time_point earliest_end,
                       WallClock::time_point latest_end, const std::string& what) {
  SCOPED_TRACE(what);
  const auto whole = [](WallClock::time_point t) { return static_cast<long>(std::floor(seconds_since_epoch(t))); };
  const long lowest = whole(earliest_end) - 1;
  const long highest = whole(latest_end) - 1;
  const std::string value = accel(r);
  if (highest < whole(sent)) {
    EXPECT_EQ(value, "0") << "nothing to keep: the second it would end has passed";
  } else if (value != "0" || lowest >= whole(sent)) {
    ASSERT_EQ(value.rfind('@', 0), 0u) << value;
    const long v = std::stol(value.substr(1));
    EXPECT_GE(v, lowest) << value;
    EXPECT_LE(v, highest) << value;
  }
}

/// A GET over SCGI, whose answer pscgi keeps `keep` from the request (`keep` at most outer_max_ttl).
void expect_get_kept(const Server& server, const std::string& uri, std::chrono::milliseconds keep, const std::string& what) {
  const auto sent = WallClock::now();
  const Reply r = scgi_send(server, "GET", uri);
  const auto received = WallClock::now();
  EXPECT_TRUE(r.ok) << what;
  expect_kept_until(r, sent, sent + keep, received + keep, what);
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

// Over SCGI, with outer_max_ttl 1 s: stored pages and their hits "@V" with V the current second
// (its end is the last second boundary within 1 s), everything else "0".
TEST(OuterCacheTest, ScgiAnswersCarryTheExactXAccelExpires) {
  TempDir dir;
  Server server(dir, outer_config());
  expect_get_kept(server, "/hello", 1000ms, "a stored miss (cache.ttl 10 s)");
  expect_get_kept(server, "/hello", 1000ms, "its hit");
  expect_get_kept(server, "/respond?ttl=5&body=x", 1000ms, "cache_for(5 s)");
  expect_get_kept(server, "/respond?h=Cache-Control:max-age%3D60&body=x", 1000ms, "max-age=60");
  expect_get_kept(server, "/respond?status=404&body=x", 1000ms, "a 404 (stored by default)");
  scgi_send(server, "GET", kPage);  // stored, so that the conditional requests below meet it
  for (const Case& c : kNotKept) {
    const Reply r = scgi_send(server, c.method, c.uri, c.headers);
    EXPECT_EQ(r.status, c.status) << c.what;
    EXPECT_EQ(accel(r), "0") << c.what;
  }
  // A lifetime shorter than outer_max_ttl bounds nginx's: a cache_for(100 ms) answer made in a
  // second's last 100 ms is kept to that second's end; made earlier, not at all.
  wait_for_second_fraction(0.93);
  expect_get_kept(server, "/respond?ttl_ms=100&body=late", 100ms, "cache_for(100 ms) late in a second");
  wait_for_second_fraction(0.3);
  expect_get_kept(server, "/respond?ttl_ms=100&body=early", 100ms, "cache_for(100 ms) early in a second");
}

// On a hit, what is left of pscgi's lifetime bounds nginx's, when it ends before outer_max_ttl.
TEST(OuterCacheTest, OnAHitWhatIsLeftOfPscgisLifetimeBoundsNginxs) {
  TempDir dir;
  Server server(dir, outer_config(", outer: true, outer_max_ttl: 3s"));
  expect_get_kept(server, "/hello", 3000ms, "a miss kept outer_max_ttl (3 s)");
  // Stored at a second's 0.3 for 2 s; asked again 0.8 s later: 1.2 s left, ending at the next
  // second's 0.3, where outer_max_ttl alone would allow two seconds more.
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
  expect_kept_until(hit, sent, std::min(stored_sent + 2s, sent + 3s), std::min(stored_received + 2s, received + 3s),
                    "a hit with 1.2 s left");
}

TEST(OuterCacheTest, WithoutCacheOuterNoAnswerCarriesXAccelExpires) {
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
