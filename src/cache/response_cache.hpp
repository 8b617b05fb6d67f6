#pragma once
/// \file
/// The store: finished responses by key, bounded by entries and bytes, least recently used evicted
/// first. Modelled on h2o's cache: values are reference-counted and immutable (ResponsePtr), every
/// call that depends on time takes `now`, and nothing here reads a clock.

#include "pipeline/clock.hpp"

#include <pscgi/response.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pscgi::cache {

using TimePoint = Clock::time_point;

/// One stored thing: a response, or, under the primary key of a response that varies, a vary
/// marker listing the request headers (CGI names) that pick the variant.
class CacheEntry {
 public:
  /// The stored response; null for a vary marker. The cache hands out this very object.
  const ResponsePtr& response() const noexcept { return response_; }
  const std::vector<std::string>& vary() const noexcept { return vary_; }
  bool is_vary_marker() const noexcept { return response_ == nullptr; }

  TimePoint expires() const noexcept { return expires_; }
  /// Fresh strictly before expires(): at the instant it expires it is no longer served.
  bool fresh_at(TimePoint now) const noexcept { return now < expires_; }
  /// Expired, but still kept (for stale-if-error) until keep_until().
  bool stale_at(TimePoint now) const noexcept { return now >= expires_ && now < keep_until_; }
  TimePoint keep_until() const noexcept { return keep_until_; }
  /// What the entry counts against max_bytes (see ResponseCache::entry_overhead).
  std::size_t cost() const noexcept { return cost_; }

 private:
  friend class ResponseCache;
  ResponsePtr response_;
  std::vector<std::string> vary_;
  TimePoint expires_{};
  TimePoint keep_until_{};
  std::size_t cost_ = 0;
  // Intrusive LRU list through the map's nodes, which never move once inserted.
  CacheEntry* newer_ = nullptr;
  CacheEntry* older_ = nullptr;
  const std::string* key_ = nullptr;
};

/// What the store did, for the worker's counters.
struct StoreCounters {
  std::uint64_t evictions = 0;    ///< entries removed to make room
  std::uint64_t expirations = 0;  ///< entries removed because they were met past keep_until
  std::uint64_t flushes = 0;      ///< clear() calls that emptied a non-empty store
};

class ResponseCache {
 public:
  /// Bytes an entry is counted for beyond its key and its serialised response: an estimate of the
  /// memory that holds it on 64-bit glibc/libstdc++. Each heap block carries a 16-byte malloc header.
  ///   hash node: next pointer, key std::string, CacheEntry, cached hash code, + malloc header
  ///   one bucket pointer (the table keeps about one bucket per element)
  ///   malloc headers of the key's and the wire string's buffers
  ///   shared_ptr control block (ResponseBuilder allocates it apart from the object): 32
  ///   the Response object + malloc header, and its parsed header vector, allowing 8 headers
  ///   (std::string name and value each) + malloc header
  /// The header names and values are also in the serialised bytes, which are counted; short ones
  /// live inside std::string, so the allowance does not count them twice.
  static constexpr std::size_t malloc_header = 16;
  static constexpr std::size_t entry_overhead =
      (sizeof(void*) + sizeof(std::string) + sizeof(CacheEntry) + sizeof(std::size_t) + malloc_header) +
      sizeof(void*) + 2 * malloc_header + 32 + (sizeof(Response) + malloc_header) +
      (8 * sizeof(Header) + malloc_header);

  /// `max_entries` and `max_bytes` are never exceeded (0 entries: nothing is ever stored).
  ResponseCache(std::size_t max_entries, std::size_t max_bytes);
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  /// The entry under `key`, or null. Does not allocate. An entry met at or past keep_until() is
  /// removed (an expiration) and null returned. A fresh entry becomes the most recently used. An
  /// expired entry still kept is returned as it is: the caller MUST check fresh_at() before serving.
  const CacheEntry* find(std::string_view key, TimePoint now);

  /// The entry under `key` whatever its time, or null, changing nothing (tests, debugging).
  const CacheEntry* peek(std::string_view key) const noexcept;

  /// Stores `response` under `key`, fresh until `expires` and kept `stale_window` longer; whatever
  /// `key` held is replaced. Evicts least recently used entries until the bounds hold. Returns false,
  /// storing nothing (and having removed the old entry under `key`), when `expires` is not after
  /// `now` or the entry alone would break a bound.
  bool insert(std::string_view key, ResponsePtr response, TimePoint now, TimePoint expires,
              std::chrono::milliseconds stale_window);

  /// Stores a vary marker under a primary key (see CacheEntry). A marker already there with the
  /// same names is kept and its times extended to the later of the two.
  bool insert_vary_marker(std::string_view key, std::vector<std::string> names, TimePoint now,
                          TimePoint expires, std::chrono::milliseconds stale_window);

  /// Removes the entry under `key`; false when there was none.
  bool erase(std::string_view key);
  /// Removes everything (a generation change).
  void clear() noexcept;

  std::size_t size() const noexcept { return map_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }
  std::size_t max_entries() const noexcept { return max_entries_; }
  std::size_t max_bytes() const noexcept { return max_bytes_; }
  const StoreCounters& counters() const noexcept { return counters_; }

  /// Keys from the most to the least recently used (tests, debugging).
  std::vector<std::string> keys_by_recency() const;

  /// What an entry holding `response` under `key` counts against max_bytes.
  static std::size_t cost_of(std::string_view key, const Response& response) noexcept;

 private:
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>{}(key); }
  };
  using Map = std::unordered_map<std::string, CacheEntry, KeyHash, std::equal_to<>>;

  bool make_room(std::size_t cost);
  CacheEntry& emplace(std::string_view key, std::size_t cost);
  void link_newest(CacheEntry& entry) noexcept;
  void unlink(CacheEntry& entry) noexcept;
  void remove(Map::iterator it) noexcept;

  std::size_t max_entries_;
  std::size_t max_bytes_;
  Map map_;
  CacheEntry* newest_ = nullptr;
  CacheEntry* oldest_ = nullptr;
  std::size_t bytes_ = 0;
  StoreCounters counters_;
};

}  // namespace pscgi::cache
