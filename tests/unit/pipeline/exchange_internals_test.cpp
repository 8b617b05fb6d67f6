#include "pipeline/exchange_internals.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace pscgi::pipeline {
namespace {

constexpr CacheOutcome every_outcome[] = {CacheOutcome::none, CacheOutcome::bypass, CacheOutcome::hit,
                                          CacheOutcome::miss, CacheOutcome::stored, CacheOutcome::stale};

TEST(ExchangeInternalsTest, AnExchangeStartsWithNoCacheOutcome) {
  const Request request = Request::from_variables({{"REQUEST_METHOD", "GET"}});
  const Exchange exchange(request);
  EXPECT_EQ(cache_outcome(exchange), CacheOutcome::none);
  EXPECT_EQ(to_string(cache_outcome(exchange)), "-");
}

TEST(ExchangeInternalsTest, TheOutcomeSetIsTheOutcomeRead) {
  const Request request = Request::from_variables({{"REQUEST_METHOD", "GET"}});
  Exchange exchange(request);
  for (CacheOutcome outcome : every_outcome) {
    set_cache_outcome(exchange, outcome);
    EXPECT_EQ(cache_outcome(exchange), outcome) << to_string(outcome);
  }
}

TEST(ExchangeInternalsTest, EachOutcomeHasItsOwnWordForTheAccessLog) {
  EXPECT_EQ(to_string(CacheOutcome::bypass), "bypass");
  EXPECT_EQ(to_string(CacheOutcome::hit), "hit");
  EXPECT_EQ(to_string(CacheOutcome::miss), "miss");
  EXPECT_EQ(to_string(CacheOutcome::stored), "stored");
  EXPECT_EQ(to_string(CacheOutcome::stale), "stale");
  std::set<std::string, std::less<>> words;
  for (CacheOutcome outcome : every_outcome) words.emplace(to_string(outcome));
  EXPECT_EQ(words.size(), std::size(every_outcome));
  EXPECT_EQ(words.count("?"), 0u);
}

}  // namespace
}  // namespace pscgi::pipeline
