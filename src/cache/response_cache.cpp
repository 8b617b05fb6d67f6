#include "cache/response_cache.hpp"

#include <algorithm>
#include <utility>

namespace pscgi::cache {

ResponseCache::ResponseCache(std::size_t max_entries, std::size_t max_bytes)
    : max_entries_(max_entries), max_bytes_(max_bytes) {}

std::size_t ResponseCache::cost_of(std::string_view key, const Response& response) noexcept {
  return key.size() + response.wire_size() + entry_overhead;
}

const CacheEntry* ResponseCache::find(std::string_view key, TimePoint now) {
  const auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  CacheEntry& entry = it->second;
  if (now >= entry.keep_until_) {
    remove(it);
    ++counters_.expirations;
    return nullptr;
  }
  if (entry.fresh_at(now)) {
    unlink(entry);
    link_newest(entry);
  }
  return &entry;
}

const CacheEntry* ResponseCache::peek(std::string_view key) const noexcept {
  const auto it = map_.find(key);
  return it == map_.end() ? nullptr : &it->second;
}

bool ResponseCache::insert(std::string_view key, ResponsePtr response, TimePoint now, TimePoint expires,
                           std::chrono::milliseconds stale_window) {
  erase(key);
  if (!response || expires <= now) return false;
  const std::size_t cost = cost_of(key, *response);
  if (!make_room(cost)) return false;
  CacheEntry& entry = emplace(key, cost);
  entry.response_ = std::move(response);
  entry.expires_ = expires;
  entry.keep_until_ = expires + std::max(stale_window, std::chrono::milliseconds::zero());
  return true;
}

bool ResponseCache::insert_vary_marker(std::string_view key, std::vector<std::string> names, TimePoint now,
                                       TimePoint expires, std::chrono::milliseconds stale_window) {
  const TimePoint keep_until = expires + std::max(stale_window, std::chrono::milliseconds::zero());
  if (const auto it = map_.find(key); it != map_.end() && it->second.is_vary_marker() && it->second.vary_ == names) {
    CacheEntry& marker = it->second;
    marker.expires_ = std::max(marker.expires_, expires);
    marker.keep_until_ = std::max(marker.keep_until_, keep_until);
    unlink(marker);
    link_newest(marker);
    return true;
  }
  erase(key);
  if (names.empty() || expires <= now) return false;
  std::size_t cost = key.size() + entry_overhead;
  for (const std::string& name : names) cost += sizeof(std::string) + name.size();
  if (!make_room(cost)) return false;
  CacheEntry& marker = emplace(key, cost);
  marker.vary_ = std::move(names);
  marker.expires_ = expires;
  marker.keep_until_ = keep_until;
  return true;
}

bool ResponseCache::erase(std::string_view key) {
  const auto it = map_.find(key);
  if (it == map_.end()) return false;
  remove(it);
  return true;
}

void ResponseCache::clear() noexcept {
  if (!map_.empty()) ++counters_.flushes;
  map_.clear();
  newest_ = oldest_ = nullptr;
  bytes_ = 0;
}

std::vector<std::string> ResponseCache::keys_by_recency() const {
  std::vector<std::string> keys;
  keys.reserve(map_.size());
  for (const CacheEntry* entry = newest_; entry; entry = entry->older_) keys.push_back(*entry->key_);
  return keys;
}

// Evicts from the old end until an entry of `cost` fits; refuses what could never fit, so that
// one oversized response cannot empty the whole store on its way to being rejected.
bool ResponseCache::make_room(std::size_t cost) {
  if (max_entries_ == 0 || cost > max_bytes_) return false;
  while (oldest_ && (map_.size() + 1 > max_entries_ || bytes_ + cost > max_bytes_)) {
    remove(map_.find(*oldest_->key_));
    ++counters_.evictions;
  }
  return true;
}

CacheEntry& ResponseCache::emplace(std::string_view key, std::size_t cost) {
  const auto [it, inserted] = map_.try_emplace(std::string(key));
  (void)inserted;  // erase(key) ran first, so it is always new
  CacheEntry& entry = it->second;
  entry.key_ = &it->first;
  entry.cost_ = cost;
  bytes_ += cost;
  link_newest(entry);
  return entry;
}

void ResponseCache::link_newest(CacheEntry& entry) noexcept {
  entry.older_ = newest_;
  entry.newer_ = nullptr;
  if (newest_) newest_->newer_ = &entry;
  newest_ = &entry;
  if (!oldest_) oldest_ = &entry;
}

void ResponseCache::unlink(CacheEntry& entry) noexcept {
  (entry.newer_ ? entry.newer_->older_ : newest_) = entry.older_;
  (entry.older_ ? entry.older_->newer_ : oldest_) = entry.newer_;
  entry.newer_ = entry.older_ = nullptr;
}

void ResponseCache::remove(Map::iterator it) noexcept {
  unlink(it->second);
  bytes_ -= it->second.cost_;
  map_.erase(it);
}

}  // namespace pscgi::cache
