// The cache on its own: building the key, the store's lookup, and the cache stage's on_request
// (and on_response when it stores) with the default settings.

#include "nginx_request.hpp"
#include "pipeline_rig.hpp"

#include "cache/cache_generation.hpp"
#include "cache/cache_key.hpp"
#include "cache/cache_stage.hpp"
#include "cache/response_cache.hpp"

#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <unistd.h>

namespace pscgi::bench {
namespace {

// As many pages as the default cache holds (max(16, workers.max_requests / 5) = 200 entries).
constexpr int stored_pages = 200;

std::string page_uri(int page) { return fmt::format("/page/{}?lang=en", page); }

ResponsePtr small_page() {
  return ResponseBuilder(200).content_type("text/html; charset=utf-8").body(std::string(400, 'x')).finish();
}

void BM_Cache_PrimaryKey(benchmark::State& state) {
  const Request request = make_request(browser_get(page_uri(7)));
  std::string key;
  for (auto _ : state) {
    cache::build_primary_key(key, request);
    benchmark::DoNotOptimize(key.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Cache_PrimaryKey);

// ResponseCache::find in a full store: state.range(0) is 1 for a key that is there, 0 for one that is not.
void BM_Cache_StoreFind(benchmark::State& state) {
  const config::Config config = config::default_config();
  const cache::TimePoint now = Clock::now();
  cache::ResponseCache store(cache::default_max_entries(config.workers), config.cache.max_bytes);
  const ResponsePtr page = small_page();
  std::string key;
  for (int i = 0; i < stored_pages; ++i) {
    cache::build_primary_key(key, make_request(browser_get(page_uri(i))));
    store.insert(key, page, now, now + std::chrono::hours(1), {});
  }
  const bool hit = state.range(0) == 1;
  cache::build_primary_key(key, make_request(browser_get(page_uri(hit ? stored_pages / 2 : stored_pages + 1))));
  for (auto _ : state) {
    const cache::CacheEntry* entry = store.find(key, now);
    benchmark::DoNotOptimize(entry);
  }
  if (hit != (store.find(key, now) != nullptr)) state.SkipWithError("the store did not do what was expected");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Cache_StoreFind)->ArgName("hit")->Arg(1)->Arg(0);

// A CacheStage as build_pipeline makes it, holding stored_pages pages, after on_worker_start.
std::unique_ptr<cache::CacheStage> filled_stage(cache::TimePoint now) {
  const config::Config config = config::default_config();
  auto stage = std::make_unique<cache::CacheStage>(config.cache, config.workers, cache::CacheGeneration::create());
  stage->on_worker_start({.pid = static_cast<int>(::getpid()), .slot = 1});
  const ResponsePtr page = small_page();
  for (int i = 0; i < stored_pages; ++i) {
    const Request request = make_request(browser_get(page_uri(i)));
    Exchange exchange(request, now);
    stage->on_request(exchange);
    exchange.response = page;
    stage->on_response(exchange);
  }
  return stage;
}

// CacheStage::on_request alone (with the Exchange it needs): state.range(0) 1 hits, 0 misses.
void BM_Cache_StageLookup(benchmark::State& state) {
  const cache::TimePoint now = Clock::now();
  const auto stage = filled_stage(now);
  const bool hit = state.range(0) == 1;
  const Request request = make_request(browser_get(page_uri(hit ? stored_pages / 2 : stored_pages + 1)));
  for (auto _ : state) {
    Exchange exchange(request, now);
    const StageResult result = stage->on_request(exchange);
    benchmark::DoNotOptimize(result);
    benchmark::DoNotOptimize(exchange.response.get());
  }
  if (stage->counters().hits != (hit ? static_cast<std::uint64_t>(state.iterations()) : 0))
    state.SkipWithError("the stage did not do what was expected");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Cache_StageLookup)->ArgName("hit")->Arg(1)->Arg(0);

// A miss that stores: on_request finds the entry expired (each request comes expiry_step later),
// on_response computes the lifetime and stores the application's response again.
void BM_Cache_StageMissAndStore(benchmark::State& state) {
  cache::TimePoint now = Clock::now();
  const auto stage = filled_stage(now);
  const Request request = make_request(browser_get(page_uri(stored_pages / 2)));
  const ResponsePtr page = small_page();
  for (auto _ : state) {
    now += expiry_step;
    Exchange exchange(request, now);
    const StageResult result = stage->on_request(exchange);
    benchmark::DoNotOptimize(result);
    exchange.response = page;
    stage->on_response(exchange);
    benchmark::DoNotOptimize(exchange.response.get());
  }
  if (stage->counters().stores < static_cast<std::uint64_t>(state.iterations()))
    state.SkipWithError("the stage did not store every response");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Cache_StageMissAndStore);

}  // namespace
}  // namespace pscgi::bench
