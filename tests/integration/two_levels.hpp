#pragma once
// Two cache levels in tests: real nginx running the microcache block shipped in config/nginx.conf,
// uncommented as docs/deployment.md tells operators to, in front of pscgi with `cache.outer: true`;
// and the clock reading and Cache-Status parsing that two_cache_levels_test.cpp and
// outer_cache_scgi_test.cpp share.

#include "harness.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace pscgi::testing {

// nginx reads X-Accel-Expires "@V" against its own reading of the wall clock, so the tests do too.
using WallClock = std::chrono::system_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

/// The slack allowed around a time bound, in seconds: request timing and clock reads, never a second.
inline constexpr double kMargin = 0.005;

/// A page with validators: ETag "v1" and Last-Modified kLastModified. Inline, so that tables of
/// cases in any file that includes this are built after them.
inline const std::string kLastModified = "Tue, 01 Jul 2025 10:00:00 GMT";
inline const std::string kPage =
    "/respond?h=ETag:%22v1%22&h=Last-Modified:Tue,%2001%20Jul%202025%2010:00:00%20GMT&body=the+page";

/// The shipped site, microcache on, with its upstream, port and cache directory moved into the test's.
std::string shipped_site_with_outer_cache(const std::string& socket, const std::string& cache_dir, int port);

/// One worker, so that its access log lines come in request order; no jitter, so lifetimes are exact.
std::string outer_config(const std::string& cache_extra = ", outer: true, outer_max_ttl: 1s");

/// pscgi with cache.outer behind nginx running the shipped block.
struct TwoLevels {
  TempDir dir;
  Server server{dir, outer_config()};
  Nginx nginx{dir, [this](int port) { return shipped_site_with_outer_cache(server.socket(), dir.file("nginx-cache"), port); }};

  /// An HTTP request through nginx; whatever it is, the answer never shows X-Accel-Expires.
  Reply send(const std::string& method, const std::string& uri, const Headers& headers = {}) {
    Reply reply = http_request(nginx.port(), method, uri, headers);
    EXPECT_TRUE(reply.ok) << method << " " << uri << ": " << reply.raw << nginx.error_log();
    EXPECT_FALSE(reply.header("X-Accel-Expires")) << method << " " << uri << " leaked it:\n" << reply.raw;
    return reply;
  }
  Reply get(const std::string& uri, const Headers& headers = {}) {
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
int logged(const std::string& log, const std::string& method, const std::string& uri);

/// The Cache-Status entry of one layer ("nginx" or "pscgi"), without the name; "(none)" if absent.
std::string layer_status(const Reply& r, const std::string& layer);
bool nginx_hit(const Reply& r);

double seconds_since_epoch(WallClock::time_point t);
/// Sleeps until `fraction` of the way through a wall-clock second, so that what follows happens
/// in one known second of nginx's clock (its entries expire at a second's boundary).
WallClock::time_point wait_for_second_fraction(double fraction);
/// Waits for the next second when less than `room` (a fraction) of this one is left.
void make_room_in_second(double room);

/// A request straight to pscgi over SCGI, with HTTP headers given by their HTTP names.
Reply scgi_send(const Server& server, const std::string& method, const std::string& uri, const Headers& headers = {});
/// The X-Accel-Expires of an answer, or "(none)".
std::string accel(const Reply& r);

/// One request and what it must get.
struct Case {
  std::string method;
  std::string uri;
  Headers headers;
  int status;
  std::string what;
  std::string nginx;  ///< nginx's Cache-Status entry expected through nginx
};

}  // namespace pscgi::testing
