// A cache hit should cost little more than the socket write: no formatting, no copy of the body and
// no allocation. This test counts calls to the global operator new while a hit is served.

#include "cache/cache_stage.hpp"

#include "pipeline/exchange_internals.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

namespace {

// Counted only while `counting` is set, so the rest of the test binary is unaffected. new and
// delete are both replaced (malloc/free underneath), so sanitizers see matching pairs.
thread_local bool counting = false;
thread_local std::size_t allocations = 0;

}  // namespace

void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// The nothrow form too (std::stable_sort's temporary buffer uses it and frees with the sized
// delete above): a new left to the sanitizer's own allocator would not match our free.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (counting) ++allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace pscgi::cache {
namespace {

TEST(CacheHitAllocationTest, AWarmHitAllocatesNothing) {
  config::CacheSettings settings;
  settings.ttl_jitter = 0;
  CacheStage stage(settings, config::WorkerSettings{}, CacheGeneration::create());
  const Request request = Request::from_variables({{"REQUEST_METHOD", "GET"},
                                                   {"REQUEST_URI", "/a/rather/long/path/to/defeat/small-string?x=1"},
                                                   {"HTTP_HOST", "Example.com"},
                                                   {"HTTP_ACCEPT", "*/*"}});
  const TimePoint t0 = TimePoint{} + std::chrono::hours(1);
  {
    Exchange miss(request, t0);
    ASSERT_EQ(stage.on_request(miss), StageResult::pass);
    miss.response = ResponseBuilder(200).body(std::string(10000, 'b')).finish();
    stage.on_response(miss);
    ASSERT_EQ(pipeline::cache_outcome(miss), pipeline::CacheOutcome::stored);
  }
  Exchange hit(request, t0);
  counting = true;
  const StageResult result = stage.on_request(hit);
  counting = false;
  ASSERT_EQ(result, StageResult::answered);
  EXPECT_EQ(pipeline::cache_outcome(hit), pipeline::CacheOutcome::hit);
  EXPECT_EQ(allocations, 0u);
}

}  // namespace
}  // namespace pscgi::cache
