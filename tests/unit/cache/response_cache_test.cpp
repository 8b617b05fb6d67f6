#include "cache/response_cache.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace pscgi::cache {
namespace {

using namespace std::chrono;

const TimePoint t0 = TimePoint{} + hours(1000);
constexpr milliseconds no_stale{0};

ResponsePtr body_of(std::size_t size, char fill = 'x') {
  return ResponseBuilder(200).body(std::string(size, fill)).finish();
}

TEST(ResponseCacheTest, HandsOutTheVeryObjectStored) {
  ResponseCache cache(10, 1 << 20);
  const ResponsePtr response = body_of(10);
  ASSERT_TRUE(cache.insert("k", response, t0, t0 + 10s, no_stale));
  const CacheEntry* entry = cache.find("k", t0);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->response().get(), response.get());
  EXPECT_FALSE(entry->is_vary_marker());
  EXPECT_EQ(cache.find("other", t0), nullptr);
}

TEST(ResponseCacheTest, FreshUntilJustBeforeExpiryAndDroppedWhenMetAtIt) {
  ResponseCache cache(10, 1 << 20);
  ASSERT_TRUE(cache.insert("k", body_of(1), t0, t0 + 10s, no_stale));
  const CacheEntry* entry = cache.find("k", t0 + 10s - 1ms);
  ASSERT_NE(entry, nullptr);
  EXPECT_TRUE(entry->fresh_at(t0 + 10s - 1ms));
  EXPECT_FALSE(entry->fresh_at(t0 + 10s));
  EXPECT_EQ(cache.find("k", t0 + 10s), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_EQ(cache.counters().expirations, 1u);
}

TEST(ResponseCacheTest, ExpiredEntryIsKeptForTheStaleWindowButNeverFresh) {
  ResponseCache cache(10, 1 << 20);
  ASSERT_TRUE(cache.insert("k", body_of(1), t0, t0 + 10s, 5s));
  for (auto at : {t0 + 10s, t0 + 12s, t0 + 15s - 1ms}) {
    const CacheEntry* entry = cache.find("k", at);
    ASSERT_NE(entry, nullptr);
    EXPECT_FALSE(entry->fresh_at(at));
    EXPECT_TRUE(entry->stale_at(at));
  }
  EXPECT_EQ(cache.find("k", t0 + 15s), nullptr);
  EXPECT_EQ(cache.counters().expirations, 1u);
}

TEST(ResponseCacheTest, RefusesWhatIsAlreadyExpired) {
  ResponseCache cache(10, 1 << 20);
  EXPECT_FALSE(cache.insert("k", body_of(1), t0, t0, no_stale));
  EXPECT_FALSE(cache.insert("k", body_of(1), t0, t0 - 1s, 10s));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ResponseCacheTest, EvictsTheLeastRecentlyUsedAndAFindMakesAnEntryRecent) {
  ResponseCache cache(3, 1 << 20);
  for (const char* key : {"a", "b", "c"}) ASSERT_TRUE(cache.insert(key, body_of(1), t0, t0 + 1h, no_stale));
  EXPECT_EQ(cache.keys_by_recency(), (std::vector<std::string>{"c", "b", "a"}));
  ASSERT_NE(cache.find("a", t0), nullptr);
  EXPECT_EQ(cache.keys_by_recency(), (std::vector<std::string>{"a", "c", "b"}));
  ASSERT_TRUE(cache.insert("d", body_of(1), t0, t0 + 1h, no_stale));
  EXPECT_EQ(cache.keys_by_recency(), (std::vector<std::string>{"d", "a", "c"}));
  EXPECT_EQ(cache.counters().evictions, 1u);
  EXPECT_EQ(cache.find("b", t0), nullptr);
}

TEST(ResponseCacheTest, AStaleFindDoesNotMakeAnEntryRecent) {
  ResponseCache cache(3, 1 << 20);
  ASSERT_TRUE(cache.insert("old", body_of(1), t0, t0 + 1s, 1h));
  ASSERT_TRUE(cache.insert("new", body_of(1), t0, t0 + 1h, no_stale));
  ASSERT_NE(cache.find("old", t0 + 2s), nullptr);
  EXPECT_EQ(cache.keys_by_recency(), (std::vector<std::string>{"new", "old"}));
  EXPECT_EQ(cache.peek("old")->expires(), t0 + 1s);
}

TEST(ResponseCacheTest, ReplacingAKeyKeepsOneEntryAndTheRightByteCount) {
  ResponseCache cache(10, 1 << 20);
  ASSERT_TRUE(cache.insert("k", body_of(100), t0, t0 + 1h, no_stale));
  const ResponsePtr smaller = body_of(10);
  ASSERT_TRUE(cache.insert("k", smaller, t0, t0 + 1h, no_stale));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), ResponseCache::cost_of("k", *smaller));
  EXPECT_EQ(cache.counters().evictions, 0u);
}

TEST(ResponseCacheTest, CostIsKeyPlusWirePlusTheDocumentedOverhead) {
  const ResponsePtr response = body_of(1000);
  EXPECT_EQ(ResponseCache::cost_of("key", *response), 3 + response->wire().size() + ResponseCache::entry_overhead);
  // Sanity of the estimate: at least the objects that certainly exist per entry.
  EXPECT_GE(ResponseCache::entry_overhead, sizeof(Response) + sizeof(CacheEntry) + sizeof(std::string));
}

TEST(ResponseCacheTest, AnEntryLargerThanTheWholeStoreIsRefusedWithoutEvictingOthers) {
  const ResponsePtr small = body_of(10);
  const std::size_t max_bytes = 2 * ResponseCache::cost_of("a", *small) + 50;
  ResponseCache cache(10, max_bytes);
  ASSERT_TRUE(cache.insert("a", small, t0, t0 + 1h, no_stale));
  EXPECT_FALSE(cache.insert("huge", body_of(max_bytes), t0, t0 + 1h, no_stale));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.counters().evictions, 0u);
  ResponseCache none(0, max_bytes);
  EXPECT_FALSE(none.insert("a", small, t0, t0 + 1h, no_stale));
}

TEST(ResponseCacheTest, VaryMarkerIsExtendedWhenTheSameAndReplacedWhenNot) {
  ResponseCache cache(10, 1 << 20);
  ASSERT_TRUE(cache.insert_vary_marker("p", {"HTTP_ACCEPT"}, t0, t0 + 10s, no_stale));
  ASSERT_TRUE(cache.insert_vary_marker("p", {"HTTP_ACCEPT"}, t0, t0 + 20s, 5s));
  const CacheEntry* marker = cache.find("p", t0);
  ASSERT_NE(marker, nullptr);
  EXPECT_TRUE(marker->is_vary_marker());
  EXPECT_EQ(marker->expires(), t0 + 20s);
  EXPECT_EQ(marker->keep_until(), t0 + 25s);
  ASSERT_TRUE(cache.insert_vary_marker("p", {"HTTP_ACCEPT_LANGUAGE"}, t0, t0 + 5s, no_stale));
  EXPECT_EQ(cache.find("p", t0)->vary(), std::vector<std::string>{"HTTP_ACCEPT_LANGUAGE"});
  EXPECT_EQ(cache.find("p", t0)->expires(), t0 + 5s);
  ASSERT_TRUE(cache.insert("p", body_of(1), t0, t0 + 1h, no_stale));
  EXPECT_FALSE(cache.find("p", t0)->is_vary_marker());
  EXPECT_EQ(cache.size(), 1u);
}

TEST(ResponseCacheTest, ClearEmptiesEverythingAndCountsAFlush) {
  ResponseCache cache(10, 1 << 20);
  ASSERT_TRUE(cache.insert("a", body_of(1), t0, t0 + 1h, no_stale));
  cache.clear();
  cache.clear();  // already empty: not another flush
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_TRUE(cache.keys_by_recency().empty());
  EXPECT_EQ(cache.counters().flushes, 1u);
  ASSERT_TRUE(cache.insert("b", body_of(1), t0, t0 + 1h, no_stale));
  EXPECT_EQ(cache.keys_by_recency(), std::vector<std::string>{"b"});
}

// Random sequences of inserts (of random sizes, some replacing, some too large), finds, erases and
// passing time: after every step the bounds hold, the byte count is the sum of the entries' costs,
// and the LRU list holds exactly the stored keys.
TEST(ResponseCacheTest, BoundsAreNeverExceededUnderRandomUse) {
  std::mt19937 random(12345);
  for (int round = 0; round < 20; ++round) {
    const std::size_t max_entries = 1 + random() % 12;
    const std::size_t max_bytes = ResponseCache::entry_overhead * (1 + random() % 8) + random() % 4000;
    ResponseCache cache(max_entries, max_bytes);
    TimePoint now = t0;
    for (int step = 0; step < 300; ++step) {
      const std::string key = "key" + std::to_string(random() % 20);
      switch (random() % 5) {
        case 0:
        case 1:
          cache.insert(key, body_of(random() % 3000), now, now + milliseconds(1 + random() % 5000),
                       milliseconds(random() % 2000));
          break;
        case 2:
          cache.insert_vary_marker(key, {"HTTP_A", "HTTP_B"}, now, now + milliseconds(1 + random() % 5000), no_stale);
          break;
        case 3: cache.find(key, now); break;
        default: now += milliseconds(random() % 700); break;
      }
      ASSERT_LE(cache.size(), max_entries);
      ASSERT_LE(cache.bytes(), max_bytes);
      const std::vector<std::string> keys = cache.keys_by_recency();
      ASSERT_EQ(keys.size(), cache.size());
      std::size_t sum = 0;
      for (const std::string& k : keys) {
        const CacheEntry* entry = cache.peek(k);
        ASSERT_NE(entry, nullptr);
        sum += entry->cost();
      }
      ASSERT_EQ(sum, cache.bytes());
    }
  }
}

}  // namespace
}  // namespace pscgi::cache
