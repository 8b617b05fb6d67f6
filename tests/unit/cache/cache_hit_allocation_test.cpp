// A cache hit should cost little more than the socket write: no formatting, no copy of the body and
// no allocation. This test counts calls to the global operator new while a hit is served
// (unit/support/allocation_counting.hpp).

#include "cache/cache_stage.hpp"

#include "pipeline/exchange_internals.hpp"
#include "unit/support/allocation_counting.hpp"

#include <gtest/gtest.h>

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
  pscgi::testing::CountedAllocations allocations;
  const StageResult result = stage.on_request(hit);
  const std::size_t allocated = allocations.count();
  ASSERT_EQ(result, StageResult::answered);
  EXPECT_EQ(pipeline::cache_outcome(hit), pipeline::CacheOutcome::hit);
  EXPECT_EQ(allocated, 0u);
}

}  // namespace
}  // namespace pscgi::cache
