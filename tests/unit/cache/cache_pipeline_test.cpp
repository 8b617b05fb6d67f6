// The design's seed regression, in process: conditional, cache and application in one Pipeline, a
// cached response answered as 304, 200 and HEAD in every order, and the cached object never changed.
// What the client gets is read from the bytes the connection would write, where HEAD is decided.

#include "cache/cache_stage.hpp"
#include "cache/conditional_stage.hpp"

#include "unit/cache/scripted_app.hpp"
#include "unit/protocol/received_answer.hpp"

#include <pscgi/pipeline.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace pscgi::cache {
namespace {

const TimePoint t0 = TimePoint{} + std::chrono::hours(1000);
const std::string page_body = std::string(5000, 'p') + "end";

enum class Kind { conditional_get, plain_get, head };

std::string to_string(Kind kind) {
  switch (kind) {
    case Kind::conditional_get: return "conditional GET";
    case Kind::plain_get: return "GET";
    case Kind::head: return "HEAD";
  }
  return "?";
}

class SeedRegression {
 public:
  SeedRegression() {
    config::CacheSettings settings;
    settings.debug_headers = true;
    settings.ttl_jitter = 0;
    pipeline_.append(make_conditional_stage());
    auto cache = std::make_unique<CacheStage>(settings, config::WorkerSettings{}, CacheGeneration::create());
    cache_ = cache.get();
    pipeline_.append(std::move(cache));
    pipeline_.append(std::make_unique<test_support::ScriptedApp>(
        [](const Request&) { return ResponseBuilder(200).content_type("text/html").body(page_body).finish(); },
        &methods_seen_));
  }

  /// What the pipeline handed on; `received`: what the client gets.
  ResponsePtr send(Kind kind, protocol::test_support::ReceivedAnswer& received, std::vector<Header>* extra = nullptr) {
    std::vector<std::pair<std::string, std::string>> vars = {{"REQUEST_METHOD", kind == Kind::head ? "HEAD" : "GET"},
                                                             {"REQUEST_URI", "/seed"},
                                                             {"HTTP_HOST", "example.com"}};
    if (kind == Kind::conditional_get) vars.emplace_back("HTTP_IF_NONE_MATCH", expected_etag());
    const Request request = Request::from_variables(vars);
    Exchange exchange(request, t0);
    pipeline_.run(exchange);
    if (extra) *extra = exchange.extra_headers;
    ResponsePtr handed_on = exchange.response;
    received = protocol::test_support::receive(exchange);
    return handed_on;
  }

  /// The one response in the store.
  ResponsePtr cached() const {
    const std::vector<std::string> keys = cache_->store().keys_by_recency();
    if (keys.size() != 1) return nullptr;
    return cache_->store().peek(keys.front())->response();
  }

  static std::string expected_etag() {
    static const std::string etag(*ResponseBuilder(200).body(page_body).finish()->header("ETag"));
    return etag;
  }

  const std::vector<std::string>& methods_seen() const { return methods_seen_; }

 private:
  Pipeline pipeline_;
  CacheStage* cache_ = nullptr;
  std::vector<std::string> methods_seen_;
};

void check_answer(Kind kind, const ResponsePtr& answer, const protocol::test_support::ReceivedAnswer& received,
                  const ResponsePtr& cached) {
  SCOPED_TRACE(to_string(kind));
  const std::string full_length = std::to_string(page_body.size());
  switch (kind) {
    case Kind::conditional_get:
      EXPECT_EQ(answer->status(), 304);
      EXPECT_EQ(answer->body(), "");
      EXPECT_FALSE(answer->header("Content-Length"));
      EXPECT_EQ(answer->header("ETag"), SeedRegression::expected_etag());
      EXPECT_EQ(answer->wire().find("\r\n\r\n") + 4, answer->wire().size());
      EXPECT_EQ(received.body, "");
      break;
    case Kind::plain_get:
      EXPECT_EQ(answer.get(), cached.get());  // the hit is the stored object itself
      EXPECT_EQ(answer->status(), 200);
      EXPECT_EQ(answer->body(), page_body);
      EXPECT_EQ(answer->header("Content-Length"), full_length);
      EXPECT_EQ(received.body, page_body);
      break;
    case Kind::head:
      EXPECT_EQ(answer.get(), cached.get());  // no bodiless copy: the body is left out when written
      EXPECT_EQ(answer->status(), 200);
      EXPECT_EQ(received.body, "");
      EXPECT_EQ(received.header("Content-Length"), full_length);
      EXPECT_TRUE(received.head.starts_with(cached->wire_head())) << received.head;
      break;
  }
}

void run_sequence(const std::vector<Kind>& order) {
  std::string trace;
  for (Kind kind : order) trace += to_string(kind) + ", ";
  SCOPED_TRACE(trace);
  SeedRegression seed;
  // The first request fills the cache, whatever it is.
  protocol::test_support::ReceivedAnswer first_received;
  const ResponsePtr first = seed.send(order.front(), first_received);
  const ResponsePtr cached = seed.cached();
  ASSERT_TRUE(cached);
  const std::string wire_at_store(cached->wire());
  EXPECT_EQ(cached->body(), page_body);
  check_answer(order.front(), first, first_received, cached);
  for (std::size_t i = 1; i < order.size(); ++i) {
    std::vector<Header> extra;
    protocol::test_support::ReceivedAnswer received;
    const ResponsePtr answer = seed.send(order[i], received, &extra);
    check_answer(order[i], answer, received, cached);
    EXPECT_EQ(seed.cached().get(), cached.get());
    EXPECT_EQ(cached->wire(), wire_at_store) << "the cached object changed after request " << i;
    ASSERT_EQ(extra.size(), 2u);
    EXPECT_EQ(extra[0].value.substr(0, 10), "pscgi; hit");
    EXPECT_EQ(answer->wire().find("Cache-Status"), std::string_view::npos);
  }
  EXPECT_EQ(seed.methods_seen(), std::vector<std::string>{"GET"});  // one application call, as GET
}

TEST(CachePipelineTest, TheDesignOrder) {
  run_sequence({Kind::plain_get, Kind::conditional_get, Kind::plain_get, Kind::head, Kind::conditional_get});
}

TEST(CachePipelineTest, EveryOrderFromEveryFirstRequest) {
  for (Kind first : {Kind::plain_get, Kind::conditional_get, Kind::head}) {
    std::vector<Kind> rest = {Kind::conditional_get, Kind::conditional_get, Kind::plain_get, Kind::head};
    std::sort(rest.begin(), rest.end());
    do {
      std::vector<Kind> order = {first};
      order.insert(order.end(), rest.begin(), rest.end());
      run_sequence(order);
    } while (std::next_permutation(rest.begin(), rest.end()));
  }
}

}  // namespace
}  // namespace pscgi::cache
