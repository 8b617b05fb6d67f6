// cache.outer: what pscgi tells nginx's cache in front of it (X-Accel-Expires), decided from the
// very decision its own cache made, and never written into the response the cache holds.

#include "cache/cache_stage.hpp"
#include "cache/conditional_stage.hpp"
#include "cache/outer_cache.hpp"

#include "pipeline/exchange_internals.hpp"
#include "unit/cache/scripted_app.hpp"
#include "unit/protocol/received_answer.hpp"

#include <pscgi/pipeline.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

namespace pscgi::cache {
namespace {

using namespace std::chrono;
using Vars = std::vector<std::pair<std::string, std::string>>;
using test_support::ScriptedApp;

const TimePoint t0 = TimePoint{} + hours(1000);
constexpr std::int64_t second_x = 1'800'000'000;  // a Unix second in 2027
const WallClock::time_point wall_x = WallClock::time_point{} + seconds(second_x);

TEST(OuterKeepUntilTest, TheCapCountsAsNginxCountsAndPscgisLifetimeIsNeverExceeded) {
  // The cap alone: the current second, then max_ttl more, as scgi_cache_valid would keep it.
  EXPECT_EQ(outer_keep_until(wall_x + 300ms, 10s, 1s), second_x + 1);
  EXPECT_EQ(outer_keep_until(wall_x, 60s, 5s), second_x + 5);
  EXPECT_EQ(outer_keep_until(wall_x + 999ms, 60s, 1s), second_x + 1);
  EXPECT_EQ(outer_keep_until(wall_x + 300ms, 10s, 1500ms), second_x + 1);  // whole seconds only
  // pscgi's lifetime is shorter: the entry ends at the last second boundary before it does.
  EXPECT_EQ(outer_keep_until(wall_x + 300ms, 1s, 1s), second_x);         // ends at x+1 <= x+1.3
  EXPECT_EQ(outer_keep_until(wall_x + 300ms, 5500ms, 5s), second_x + 4);  // ends at x+5 <= x+5.8
  EXPECT_EQ(outer_keep_until(wall_x + 950ms, 100ms, 1s), second_x);       // ends at x+1 <= x+1.05
  // Not even the current second fits.
  EXPECT_EQ(outer_keep_until(wall_x + 300ms, 100ms, 1s), 0);
  EXPECT_EQ(outer_keep_until(wall_x + 300ms, 0ms, 1s), 0);
  EXPECT_EQ(outer_keep_until(wall_x + 300ms, -5s, 1s), 0);
}

TEST(OuterKeepUntilTest, NeverPastEitherBoundAndTheLastSecondBothAllow) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 20000; ++i) {
    const auto now = wall_x + milliseconds(random() % 10'000'000);
    const auto left = milliseconds(random() % 8000);
    const auto cap = seconds(1 + random() % 4);
    const std::int64_t until = outer_keep_until(now, left, cap);
    const std::int64_t this_second = floor<seconds>(now.time_since_epoch()).count();
    const auto end_of = [](std::int64_t second) { return WallClock::time_point{} + seconds(second + 1); };
    if (until == 0) {
      EXPECT_GT(end_of(this_second), now + left) << i;  // even this second outlasts pscgi's lifetime
      continue;
    }
    EXPECT_GE(until, this_second) << i;
    EXPECT_LE(end_of(until), now + left) << i;          // never past pscgi's own lifetime
    EXPECT_LE(until, this_second + cap.count()) << i;   // never past the cap, in nginx's count
    const bool next_fits = end_of(until + 1) <= now + left && until + 1 <= this_second + cap.count();
    EXPECT_FALSE(next_fits) << i;                       // and no second is given away
  }
}

struct Sent {
  ResponsePtr response;                             ///< what the pipeline handed on
  protocol::test_support::ReceivedAnswer received;  ///< what the client gets
  std::vector<Header> extra;

  std::string outer_header() const {
    std::string value;
    for (const Header& h : extra) {
      if (h.name == "X-Accel-Expires") value += value.empty() ? h.value : "|" + h.value;  // "|": a duplicate
    }
    return value;
  }
};

struct OuterCacheTest : ::testing::Test {
  config::CacheSettings settings = [] {
    config::CacheSettings s;
    s.ttl_jitter = 0;
    s.outer = true;
    return s;
  }();
  WallClock::time_point wall = wall_x + 300ms;  // the wall clock the cache stage reads
  std::vector<std::string> methods_seen;
  ScriptedApp::Respond respond = [](const Request&) {
    return ResponseBuilder(200).content_type("text/plain").body("page").finish();
  };
  std::unique_ptr<Pipeline> pipeline;

  void build() {
    pipeline = std::make_unique<Pipeline>();
    pipeline->append(make_conditional_stage());
    CacheStageHooks hooks;
    hooks.wall_clock = [this] { return wall; };
    pipeline->append(std::make_unique<CacheStage>(settings, config::WorkerSettings{}, CacheGeneration::create(), hooks));
    pipeline->append(std::make_unique<ScriptedApp>([this](const Request& r) { return respond(r); }, &methods_seen));
    pipeline->on_worker_start(WorkerInfo{4242, 1});
  }

  Sent send(TimePoint at, Vars vars = {}, std::string method = "GET") {
    if (!pipeline) build();
    vars.emplace_back("REQUEST_METHOD", std::move(method));
    vars.emplace_back("REQUEST_URI", "/page");
    vars.emplace_back("HTTP_HOST", "example.com");
    const Request request = Request::from_variables(vars);
    Exchange exchange(request, at);
    pipeline->run(exchange);
    Sent sent{exchange.response, {}, exchange.extra_headers};
    sent.received = protocol::test_support::receive(exchange);
    return sent;
  }

  static std::string until(std::int64_t second) { return "@" + std::to_string(second); }
};

TEST_F(OuterCacheTest, AStoredAnswerMayBeKeptForTheOuterLimitInNginxsSeconds) {
  const Sent first = send(t0);
  EXPECT_EQ(first.outer_header(), until(second_x + 1));  // stored in second x: x, then 1 s more
  EXPECT_EQ(first.received.header("X-Accel-Expires"), until(second_x + 1));
  settings.outer_max_ttl = 5s;
  pipeline.reset();
  EXPECT_EQ(send(t0).outer_header(), until(second_x + 5));
}

TEST_F(OuterCacheTest, AHitMayBeKeptForWhatIsLeftOfItsLifetime) {
  settings.ttl = 10s;
  settings.outer_max_ttl = 60s;
  send(t0);
  wall += 7s;  // x+7.3: 3 s left, so until the end of second x+9
  const Sent hit = send(t0 + 7s);
  EXPECT_EQ(methods_seen.size(), 1u);
  EXPECT_EQ(hit.outer_header(), until(second_x + 9));
  wall += 2s + 800ms;  // x+10.1: 0.2 s left, and second x+10 lasts until x+11, later than that
  EXPECT_EQ(send(t0 + 9800ms).outer_header(), "0");
}

TEST_F(OuterCacheTest, AHitIsCappedByTheOuterLimit) {
  settings.ttl = 10s;
  send(t0);
  wall += 4s;
  EXPECT_EQ(send(t0 + 4s).outer_header(), until(second_x + 5));
}

TEST_F(OuterCacheTest, TheHeaderTravelsBesideTheCachedObjectNeverInIt) {
  const Sent stored = send(t0);
  const Sent hit = send(t0 + 100ms);
  ASSERT_EQ(hit.response.get(), stored.response.get());
  EXPECT_FALSE(stored.response->header("X-Accel-Expires"));
  EXPECT_EQ(stored.response->wire().find("X-Accel-Expires"), std::string::npos);
  EXPECT_EQ(hit.received.header("X-Accel-Expires"), until(second_x + 1));
}

TEST_F(OuterCacheTest, WhatPscgiWouldNotStoreNginxMustNotKeep) {
  const std::vector<std::pair<std::string, ScriptedApp::Respond>> refused = {
      {"uncacheable", [](const Request&) { return ResponseBuilder(200).body("x").uncacheable().finish(); }},
      {"set-cookie", [](const Request&) { return ResponseBuilder(200).header("Set-Cookie", "a=1").body("x").finish(); }},
      {"private",
       [](const Request&) { return ResponseBuilder(200).header("Cache-Control", "private").body("x").finish(); }},
      {"no-store",
       [](const Request&) { return ResponseBuilder(200).header("Cache-Control", "no-store").body("x").finish(); }},
      {"max-age=0",
       [](const Request&) { return ResponseBuilder(200).header("Cache-Control", "max-age=0").body("x").finish(); }},
      {"status 500", [](const Request&) { return ResponseBuilder(500).body("x").finish(); }},
      {"status 403", [](const Request&) { return ResponseBuilder(403).body("x").finish(); }},
      {"throws", [](const Request&) -> ResponsePtr { throw std::runtime_error("app failed"); }},
      {"100 ms left", [](const Request&) { return ResponseBuilder(200).body("x").cache_for(100ms).finish(); }},
  };
  for (const auto& [name, answer] : refused) {
    SCOPED_TRACE(name);
    respond = answer;
    pipeline.reset();
    EXPECT_EQ(send(t0).outer_header(), "0");
    EXPECT_EQ(send(t0 + 10ms).outer_header(), "0");
  }
}

TEST_F(OuterCacheTest, ABypassedRequestIsNotKeptEvenWhenItsPageIs) {
  send(t0);
  EXPECT_EQ(send(t0 + 10ms, {{"HTTP_AUTHORIZATION", "Basic dTpw"}}).outer_header(), "0");
  EXPECT_EQ(send(t0 + 20ms, {{"HTTP_COOKIE", "session=abc"}}).outer_header(), "0");
  EXPECT_EQ(send(t0 + 30ms, {}, "POST").outer_header(), "0");
  EXPECT_EQ(send(t0 + 40ms).outer_header(), until(second_x + 1));  // the page itself still may be
}

TEST_F(OuterCacheTest, AnswersToHeadAreNeverKept) {
  const Sent head_miss = send(t0, {}, "HEAD");
  EXPECT_EQ(head_miss.outer_header(), "0");
  EXPECT_EQ(head_miss.received.body, "");
  const Sent head_hit = send(t0 + 10ms, {}, "HEAD");
  EXPECT_EQ(head_hit.outer_header(), "0");
  const Sent get_hit = send(t0 + 20ms);
  EXPECT_EQ(get_hit.outer_header(), until(second_x + 1));
  EXPECT_EQ(get_hit.received.body, "page");
}

TEST_F(OuterCacheTest, A304IsNeverKeptInAnyOrder) {
  const std::string etag(*ResponseBuilder(200).content_type("text/plain").body("page").finish()->header("ETag"));
  const Vars conditional = {{"HTTP_IF_NONE_MATCH", etag}};
  const Sent on_miss = send(t0, conditional);
  ASSERT_EQ(on_miss.response->status(), 304);
  EXPECT_EQ(on_miss.outer_header(), "0");
  const Sent plain = send(t0 + 10ms);
  EXPECT_EQ(plain.response->status(), 200);
  EXPECT_EQ(plain.outer_header(), until(second_x + 1));
  const Sent on_hit = send(t0 + 20ms, conditional);
  ASSERT_EQ(on_hit.response->status(), 304);
  EXPECT_EQ(on_hit.outer_header(), "0");
  EXPECT_EQ(on_hit.received.body, "");
  const Sent conditional_head = send(t0 + 30ms, conditional, "HEAD");
  EXPECT_EQ(conditional_head.outer_header(), "0");
}

TEST_F(OuterCacheTest, AStaleIfErrorAnswerIsNotKept) {
  settings.stale_if_error = 30s;
  settings.ttl = 1s;
  send(t0);
  respond = [](const Request&) { return ResponseBuilder(503).body("down").finish(); };
  const Sent stale = send(t0 + 2s);
  EXPECT_EQ(stale.response->status(), 200);
  EXPECT_EQ(stale.outer_header(), "0");
}

TEST_F(OuterCacheTest, WithTheCacheDisabledNothingIsKept) {
  settings.enabled = false;
  EXPECT_EQ(send(t0).outer_header(), "0");
  EXPECT_EQ(send(t0 + 10ms).outer_header(), "0");
  EXPECT_EQ(methods_seen.size(), 2u);
}

TEST_F(OuterCacheTest, WithoutOuterThereIsNoHeader) {
  settings.outer = false;
  EXPECT_EQ(send(t0).outer_header(), "");
  EXPECT_EQ(send(t0 + 10ms).outer_header(), "");
  EXPECT_FALSE(send(t0 + 20ms).received.header("X-Accel-Expires"));
}

TEST(OuterCacheHeaderTest, AnExchangeNoCacheStageSawGetsNone) {
  const Request request = Request::from_variables({{"REQUEST_METHOD", "GET"}});
  Exchange exchange(request);
  exchange.response = ResponseBuilder(200).body("x").finish();
  pipeline::add_outer_cache_header(exchange);
  EXPECT_TRUE(exchange.extra_headers.empty());
}

TEST(OuterCacheHeaderTest, AnotherAnswerThanTheOneJudgedIsNotKept) {
  const Request request = Request::from_variables({{"REQUEST_METHOD", "GET"}});
  Exchange exchange(request);
  const ResponsePtr judged = ResponseBuilder(200).body("x").finish();
  pipeline::set_outer_verdict(exchange, {second_x, judged.get()});
  exchange.response = ResponseBuilder(200).body("replaced on the way out").finish();
  pipeline::add_outer_cache_header(exchange);
  ASSERT_EQ(exchange.extra_headers.size(), 1u);
  EXPECT_EQ(exchange.extra_headers[0].value, "0");
}

}  // namespace
}  // namespace pscgi::cache
