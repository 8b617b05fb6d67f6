#include "cache/cache_stage.hpp"

#include "pipeline/exchange_internals.hpp"
#include "unit/cache/scripted_app.hpp"
#include "unit/protocol/received_answer.hpp"

#include <pscgi/pipeline.hpp>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace pscgi::cache {
namespace {

using namespace std::chrono;
using Vars = std::vector<std::pair<std::string, std::string>>;

// What the cache hands out cannot be changed by anyone holding it.
static_assert(std::is_same_v<std::remove_cvref_t<decltype(std::declval<CacheEntry>().response())>, ResponsePtr>);
static_assert(std::is_const_v<std::remove_reference_t<decltype(*std::declval<CacheEntry>().response())>>);

using test_support::ScriptedApp;

const TimePoint t0 = TimePoint{} + hours(1000);

struct Result {
  ResponsePtr response;  ///< what the pipeline handed on
  std::string outcome;
  std::vector<Header> extra;
  protocol::test_support::ReceivedAnswer received;  ///< what the client gets (HEAD is decided there)

  std::string extra_header(std::string_view name) const {
    std::string value;
    for (const Header& h : extra) {
      if (h.name == name) value += value.empty() ? h.value : "|" + h.value;  // "|" shows a duplicate
    }
    return value;
  }
};

struct CacheStageTest : ::testing::Test {
  config::CacheSettings settings = [] {
    config::CacheSettings s;
    s.ttl_jitter = 0;
    s.debug_headers = true;
    return s;
  }();
  config::WorkerSettings workers;
  std::shared_ptr<CacheGeneration> generation = CacheGeneration::create();
  CacheStageHooks hooks;
  std::vector<std::string> methods_seen;
  ScriptedApp::Respond respond = [](const Request& r) {
    return ResponseBuilder(200).content_type("text/plain").body("body of " + std::string(r.uri())).finish();
  };
  std::unique_ptr<Pipeline> pipeline;
  CacheStage* cache = nullptr;

  void build() {
    pipeline = std::make_unique<Pipeline>();
    auto stage = std::make_unique<CacheStage>(settings, workers, generation, hooks);
    cache = stage.get();
    pipeline->append(std::move(stage));
    pipeline->append(std::make_unique<ScriptedApp>([this](const Request& r) { return respond(r); }, &methods_seen));
    pipeline->on_worker_start(WorkerInfo{4242, 1});
  }

  Result send(TimePoint at, Vars headers = {}, std::string method = "GET", std::string uri = "/page") {
    if (!pipeline) build();
    headers.emplace_back("REQUEST_METHOD", std::move(method));
    headers.emplace_back("REQUEST_URI", std::move(uri));
    if (std::none_of(headers.begin(), headers.end(), [](auto& h) { return h.first == "HTTP_HOST"; })) {
      headers.emplace_back("HTTP_HOST", "example.com");
    }
    const Request request = Request::from_variables(headers);
    Exchange exchange(request, at);
    pipeline->run(exchange);
    Result result{exchange.response, std::string(to_string(pipeline::cache_outcome(exchange))), exchange.extra_headers, {}};
    result.received = protocol::test_support::receive(exchange);
    return result;
  }
  Result get(TimePoint at, Vars headers = {}) { return send(at, std::move(headers)); }
};

TEST_F(CacheStageTest, AMissIsStoredAndTheHitIsTheVeryObject) {
  const Result first = get(t0);
  EXPECT_EQ(first.outcome, "stored");
  const Result second = get(t0 + 1s);
  EXPECT_EQ(second.outcome, "hit");
  EXPECT_EQ(second.response.get(), first.response.get());
  EXPECT_EQ(methods_seen.size(), 1u);
  const CacheCounters& c = cache->counters();
  EXPECT_EQ(c.lookups, 2u);
  EXPECT_EQ(c.hits, 1u);
  EXPECT_EQ(c.misses, 1u);
  EXPECT_EQ(c.stores, 1u);
  EXPECT_EQ(c.entries, 1u);
  EXPECT_EQ(c.bytes, cache->store().bytes());
  EXPECT_GT(c.bytes, first.response->wire().size());
}

TEST_F(CacheStageTest, KeyLowercasesTheHostAndKeepsTheUriExact) {
  get(t0, {{"HTTP_HOST", "Example.COM"}});
  EXPECT_EQ(get(t0, {{"HTTP_HOST", "example.com"}}).outcome, "hit");
  EXPECT_EQ(get(t0, {{"HTTP_HOST", "other.example"}}).outcome, "stored");
  EXPECT_EQ(send(t0, {}, "GET", "/Page").outcome, "stored");
  EXPECT_EQ(send(t0, {}, "GET", "/page?b=1&a=2").outcome, "stored");
  EXPECT_EQ(send(t0, {}, "GET", "/page?a=2&b=1").outcome, "stored");
  EXPECT_EQ(send(t0, {}, "GET", "/page?b=1&a=2").outcome, "hit");
}

TEST_F(CacheStageTest, HeadIsAnsweredFromTheGetEntryWithoutBody) {
  const Result full = get(t0);
  const Result head = send(t0, {}, "HEAD");
  EXPECT_EQ(head.outcome, "hit");
  // No bodiless copy: the stage hands on the entry itself, and the client receives its head.
  EXPECT_EQ(head.response.get(), full.response.get());
  EXPECT_TRUE(head.received.head.starts_with(full.response->wire_head())) << head.received.head;
  EXPECT_EQ(head.received.body, "");
  EXPECT_EQ(full.response->body(), "body of /page");
  EXPECT_EQ(methods_seen, std::vector<std::string>{"GET"});
}

TEST_F(CacheStageTest, AHeadMissRunsTheApplicationAsGetAndStoresTheFullResponse) {
  const Result head = send(t0, {}, "HEAD");
  EXPECT_EQ(methods_seen, std::vector<std::string>{"GET"});
  EXPECT_EQ(head.outcome, "stored");
  EXPECT_EQ(head.received.body, "");
  EXPECT_EQ(head.received.header("Content-Length"), "13");
  const Result full = get(t0);
  EXPECT_EQ(full.outcome, "hit");
  EXPECT_EQ(full.response->body(), "body of /page");
  EXPECT_EQ(full.response.get(), head.response.get()) << "what was stored is what the HEAD was answered from";
  EXPECT_EQ(methods_seen.size(), 1u);
}

TEST_F(CacheStageTest, AGetWithABodyIsLookedUp) {
  get(t0);
  const Request with_body = Request::from_variables(
      {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/page"}, {"HTTP_HOST", "example.com"}}, "a body");
  Exchange exchange(with_body, t0);
  pipeline->run(exchange);
  EXPECT_EQ(to_string(pipeline::cache_outcome(exchange)), "hit");
}

TEST_F(CacheStageTest, VaryStoresOneVariantPerValueOfTheNamedHeaders) {
  respond = [](const Request& r) {
    return ResponseBuilder(200)
        .header("Vary", "Accept-Encoding")
        .body(std::string(r.var("HTTP_ACCEPT_ENCODING")))
        .finish();
  };
  EXPECT_EQ(get(t0, {{"HTTP_ACCEPT_ENCODING", "gzip"}}).outcome, "stored");
  EXPECT_EQ(get(t0, {{"HTTP_ACCEPT_ENCODING", "br"}}).outcome, "stored");
  EXPECT_EQ(get(t0).outcome, "stored");
  const Result gzip = get(t0, {{"HTTP_ACCEPT_ENCODING", "gzip"}});
  EXPECT_EQ(gzip.outcome, "hit");
  EXPECT_EQ(gzip.response->body(), "gzip");
  const Result br = get(t0, {{"HTTP_ACCEPT_ENCODING", "br"}});
  EXPECT_EQ(br.outcome, "hit");
  EXPECT_EQ(br.response->body(), "br");
  EXPECT_EQ(get(t0).response->body(), "");
  EXPECT_EQ(methods_seen.size(), 3u);
  EXPECT_EQ(cache->counters().entries, 4u);  // one marker, three variants
}

TEST_F(CacheStageTest, EachResponseThatIsNotStoredSaysWhy) {
  const std::pair<ScriptedApp::Respond, std::string> cases[] = {
      {[](const Request&) { return ResponseBuilder(200).header("Set-Cookie", "a=1").finish(); }, "set-cookie"},
      {[](const Request&) { return ResponseBuilder(200).header("Cache-Control", "private").finish(); }, "private"},
      {[](const Request&) { return ResponseBuilder(200).header("Cache-Control", "no-store").finish(); }, "no-store"},
      {[](const Request&) { return ResponseBuilder(200).header("Cache-Control", "no-cache").finish(); }, "no-cache"},
      {[](const Request&) { return ResponseBuilder(201).finish(); }, "status"},
      {[](const Request&) { return ResponseBuilder(200).body(std::string(2 << 20, 'x')).finish(); }, "too-large"},
      {[](const Request&) { return ResponseBuilder(200).header("Vary", "*").finish(); }, "vary-star"},
      {[](const Request&) { return ResponseBuilder(200).uncacheable().finish(); }, "uncacheable"},
      {[](const Request&) { return ResponseBuilder(200).header("Cache-Control", "max-age=0").finish(); }, "zero-ttl"},
  };
  for (const auto& [answer, reason] : cases) {
    respond = answer;
    const Result first = get(t0);
    EXPECT_EQ(first.outcome, "miss") << reason;
    EXPECT_EQ(first.extra_header("Cache-Status"), "pscgi; fwd=miss; detail=" + reason);
    EXPECT_EQ(get(t0).outcome, "miss") << reason;
  }
  EXPECT_EQ(cache->counters().stores, 0u);
  EXPECT_EQ(cache->counters().entries, 0u);
  EXPECT_EQ(cache->counters().not_stored_count(StoreRefusal::set_cookie), 2u);
  EXPECT_EQ(cache->counters().not_stored_count(StoreRefusal::zero_ttl), 2u);
}

TEST_F(CacheStageTest, AnEntryTooBigForTheWholeStoreIsTooLarge) {
  settings.max_bytes = ResponseCache::entry_overhead + 100;
  EXPECT_EQ(get(t0).extra_header("Cache-Status"), "pscgi; fwd=miss; detail=too-large");
}

TEST_F(CacheStageTest, EachRequestThatBypassesSaysWhyAndIsNotStored) {
  settings.honor_request_no_cache = true;
  const std::pair<Vars, std::string> cases[] = {
      {{{"HTTP_AUTHORIZATION", "Bearer x"}}, "authorization"},
      {{{"HTTP_COOKIE", "session=1"}}, "cookie"},
      {{{"HTTP_PRAGMA", "no-cache"}}, "no-cache"},
  };
  for (const auto& [headers, reason] : cases) {
    const Result result = get(t0, headers);
    EXPECT_EQ(result.outcome, "bypass");
    EXPECT_EQ(result.extra_header("Cache-Status"), "pscgi; fwd=bypass; detail=" + reason);
  }
  const Result post = send(t0, {}, "POST");
  EXPECT_EQ(post.extra_header("Cache-Status"), "pscgi; fwd=bypass; detail=method");
  EXPECT_EQ(cache->counters().entries, 0u);
  EXPECT_EQ(cache->counters().lookups, 0u);
  EXPECT_EQ(cache->counters().total_bypasses(), 4u);
  EXPECT_EQ(cache->counters().bypass_count(BypassReason::cookie), 1u);
  EXPECT_EQ(methods_seen.size(), 4u);
}

TEST_F(CacheStageTest, ABypassedHeadIsNotTurnedIntoGet) {
  send(t0, {{"HTTP_AUTHORIZATION", "x"}}, "HEAD");
  EXPECT_EQ(methods_seen, std::vector<std::string>{"HEAD"});
}

TEST_F(CacheStageTest, RequestNoCacheIsIgnoredByDefault) {
  get(t0);
  EXPECT_EQ(get(t0, {{"HTTP_CACHE_CONTROL", "no-cache"}}).outcome, "hit");
  EXPECT_EQ(get(t0, {{"HTTP_PRAGMA", "no-cache"}}).outcome, "hit");
}

TEST_F(CacheStageTest, AnEntryExpiresExactlyAtItsLifetime) {
  settings.ttl = 10s;
  get(t0);
  EXPECT_EQ(get(t0 + 10s - 1ms).outcome, "hit");
  EXPECT_EQ(get(t0 + 10s).outcome, "stored");
  EXPECT_EQ(cache->counters().expirations, 1u);
}

// The rule CacheTest.EntriesExpireAfterTheirTtl (tests/integration) relies on, with its ttl: an
// entry is fresh from the storing request's time until that time + ttl, exclusive, to the ms.
TEST_F(CacheStageTest, ASubSecondTtlExpiresExactlyAtItsLifetime) {
  settings.ttl = 300ms;
  const Result stored = get(t0 + 5ms);
  EXPECT_EQ(stored.extra_header("Cache-Status"), "pscgi; fwd=miss; stored; ttl=0");
  EXPECT_EQ(get(t0 + 5ms).outcome, "hit");
  const Result last_hit = get(t0 + 304ms);
  EXPECT_EQ(last_hit.outcome, "hit");
  EXPECT_EQ(last_hit.response.get(), stored.response.get());
  const Result expired = get(t0 + 305ms);
  EXPECT_EQ(expired.outcome, "stored");
  EXPECT_NE(expired.response.get(), stored.response.get());
  EXPECT_EQ(cache->counters().expirations, 1u);
  EXPECT_EQ(methods_seen.size(), 2u);
  EXPECT_EQ(get(t0 + 604ms).outcome, "hit") << "the new entry counts from its own request";
  EXPECT_EQ(get(t0 + 605ms).outcome, "stored");
}

TEST_F(CacheStageTest, MaxTtlCapsTheResponsesOwnLifetime) {
  settings.max_ttl = 5s;
  respond = [](const Request&) { return ResponseBuilder(200).header("Cache-Control", "max-age=600").finish(); };
  EXPECT_EQ(get(t0).extra_header("Cache-Status"), "pscgi; fwd=miss; stored; ttl=5");
  EXPECT_EQ(get(t0 + 5s - 1ms).outcome, "hit");
  EXPECT_EQ(get(t0 + 5s).outcome, "stored");
}

TEST_F(CacheStageTest, JitterCutsTheLifetimeByTheDrawnFraction) {
  settings.ttl = 10s;
  settings.ttl_jitter = 0.5;
  hooks.random_unit = [] { return 0.5; };  // cut by 0.5 * 0.5 = a quarter
  get(t0);
  EXPECT_EQ(get(t0 + 7500ms - 1ms).outcome, "hit");
  EXPECT_EQ(get(t0 + 7500ms).outcome, "stored");
}

TEST_F(CacheStageTest, SeededJitterStaysWithinBoundsAndVaries) {
  settings.ttl = 10s;
  settings.ttl_jitter = 0.1;
  std::vector<TimePoint> expiries;
  for (int i = 0; i < 50; ++i) {
    send(t0, {}, "GET", "/" + std::to_string(i));
    const std::string key = cache->store().keys_by_recency().front();
    expiries.push_back(cache->store().peek(key)->expires());
    EXPECT_GE(expiries.back(), t0 + 9s);
    EXPECT_LE(expiries.back(), t0 + 10s);
  }
  std::sort(expiries.begin(), expiries.end());
  EXPECT_GT(std::unique(expiries.begin(), expiries.end()) - expiries.begin(), 10);
}

TEST_F(CacheStageTest, DebugHeadersHaveTheExactFormsAndNeverTouchTheResponse) {
  settings.ttl = 10s;
  const Result stored = get(t0);
  EXPECT_EQ(stored.extra_header("Cache-Status"), "pscgi; fwd=miss; stored; ttl=10");
  EXPECT_EQ(stored.extra_header("X-Pscgi-Worker"), "4242");
  const Result hit = get(t0 + 3500ms);
  EXPECT_EQ(hit.extra_header("Cache-Status"), "pscgi; hit; ttl=6");
  EXPECT_EQ(hit.extra_header("X-Pscgi-Worker"), "4242");
  EXPECT_FALSE(hit.response->header("Cache-Status"));
  EXPECT_EQ(hit.response->wire().find("Pscgi"), std::string_view::npos);
}

TEST_F(CacheStageTest, NoDebugHeadersUnlessAskedButTheOutcomeIsAlwaysSet) {
  settings.debug_headers = false;
  EXPECT_TRUE(get(t0).extra.empty());
  const Result hit = get(t0);
  EXPECT_TRUE(hit.extra.empty());
  EXPECT_EQ(hit.outcome, "hit");
  EXPECT_EQ(get(t0, {{"HTTP_AUTHORIZATION", "x"}}).outcome, "bypass");
}

TEST_F(CacheStageTest, DisabledPassesEverythingOn) {
  settings.enabled = false;
  get(t0);
  const Result second = get(t0);
  EXPECT_EQ(second.outcome, "-");
  EXPECT_TRUE(second.extra.empty());
  EXPECT_EQ(methods_seen.size(), 2u);
}

TEST_F(CacheStageTest, StaleIfErrorServesTheExpiredEntryWhenTheApplicationFails) {
  settings.ttl = 10s;
  settings.stale_if_error = 30s;
  const Result fresh = get(t0);
  respond = [](const Request&) -> ResponsePtr { throw std::runtime_error("database down"); };
  const Result stale = get(t0 + 15s);
  EXPECT_EQ(stale.outcome, "stale");
  EXPECT_EQ(stale.response.get(), fresh.response.get());
  EXPECT_EQ(stale.extra_header("Cache-Status"), "pscgi; hit; fwd=stale; detail=stale-if-error");
  EXPECT_EQ(stale.extra_header("X-Pscgi-Worker"), "4242");
  EXPECT_EQ(send(t0 + 20s, {}, "HEAD").received.body, "");
  EXPECT_EQ(send(t0 + 20s, {}, "HEAD").outcome, "stale");
  const Result too_late = get(t0 + 40s);
  EXPECT_EQ(too_late.response->status(), 500);
  EXPECT_EQ(too_late.extra_header("Cache-Status"), "pscgi; fwd=miss; detail=uncacheable");  // the pipeline's 500
  EXPECT_EQ(cache->counters().stale_hits, 3u);
}

TEST_F(CacheStageTest, StaleIfErrorIsOffByDefaultAndForMustRevalidate) {
  get(t0);
  respond = [](const Request&) { return ResponseBuilder(503).finish(); };
  EXPECT_EQ(get(t0 + 11s).response->status(), 503);

  settings.stale_if_error = 30s;
  pipeline.reset();
  respond = [](const Request&) {
    return ResponseBuilder(200).header("Cache-Control", "max-age=10, must-revalidate").finish();
  };
  get(t0);
  respond = [](const Request&) { return ResponseBuilder(503).finish(); };
  EXPECT_EQ(get(t0 + 11s).response->status(), 503);
}

TEST_F(CacheStageTest, AResponseNotStoredReplacesWhatItsKeyHeld) {
  settings.ttl = 10s;
  settings.stale_if_error = 30s;
  get(t0);
  respond = [](const Request&) { return ResponseBuilder(200).header("Cache-Control", "no-store").finish(); };
  get(t0 + 11s);
  EXPECT_EQ(cache->counters().entries, 0u);
  respond = [](const Request&) { return ResponseBuilder(500).finish(); };
  EXPECT_EQ(get(t0 + 12s).response->status(), 500);
}

TEST_F(CacheStageTest, AGenerationBumpEmptiesTheStoreAtTheNextLookup) {
  get(t0);
  EXPECT_EQ(get(t0).outcome, "hit");
  generation->bump();
  EXPECT_EQ(get(t0).outcome, "stored");
  EXPECT_EQ(cache->counters().flushes, 1u);
  EXPECT_EQ(get(t0).outcome, "hit");
  EXPECT_EQ(methods_seen.size(), 2u);
}

TEST_F(CacheStageTest, EntryBoundComesFromTheSettingsOrMaxRequests) {
  workers.max_requests = 1000;
  EXPECT_EQ(default_max_entries(workers), 200u);
  workers.max_requests = 50;
  EXPECT_EQ(default_max_entries(workers), 16u);
  workers.max_requests = 0;
  EXPECT_EQ(default_max_entries(workers), 1000u);
  build();
  EXPECT_EQ(cache->store().max_entries(), 1000u);
  settings.max_entries = 3;
  build();
  EXPECT_EQ(cache->store().max_entries(), 3u);
  for (int i = 0; i < 5; ++i) send(t0, {}, "GET", "/" + std::to_string(i));
  EXPECT_EQ(cache->counters().entries, 3u);
  EXPECT_EQ(cache->counters().evictions, 2u);
}

TEST_F(CacheStageTest, CountersAreLoggedWhenTheWorkerExits) {
  get(t0);
  get(t0);
  get(t0, {{"HTTP_COOKIE", "a=1"}});
  std::ostringstream out;
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out)));
  pipeline->on_worker_exit();
  spdlog::set_default_logger(previous);
  const std::string line = out.str();
  for (const char* expected :
       {"lookups=2 ", "hits=1 ", "misses=1 ", "stores=1 ", "bypasses=1 ", "cookie=1 ", "entries=1 "}) {
    EXPECT_NE(line.find(expected), std::string::npos) << expected << " in " << line;
  }
}

TEST_F(CacheStageTest, FactoryMakesTheCacheStage) {
  StagePtr stage = make_cache_stage(settings, workers, nullptr);
  EXPECT_EQ(stage->name(), "cache");
  EXPECT_NE(dynamic_cast<CacheStage*>(stage.get()), nullptr);
}

}  // namespace
}  // namespace pscgi::cache
