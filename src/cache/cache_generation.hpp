#pragma once
/// \file
/// A cache generation number shared by the master and all its workers, so that one signal to the
/// master (SIGUSR2) empties every worker's cache: the master bumps it, and each worker's cache stage
/// compares it with the one it last saw on every lookup and empties its store when it changed.

#include <atomic>
#include <cstdint>
#include <memory>

namespace pscgi::cache {

/// A std::atomic<std::uint64_t> in a MAP_SHARED | MAP_ANONYMOUS page. Create it in the master before
/// forking: the children inherit the same page, so a bump in any process is seen in all of them.
/// It works across processes only because the atomic is lock-free (checked at compile time).
class CacheGeneration {
 public:
  /// Maps the shared page. Throws std::system_error naming mmap when that fails.
  static std::shared_ptr<CacheGeneration> create();

  ~CacheGeneration();
  CacheGeneration(const CacheGeneration&) = delete;
  CacheGeneration& operator=(const CacheGeneration&) = delete;

  /// The generation now (a relaxed load: a worker that sees the bump a moment late serves that
  /// moment's requests from the old contents, which is all "invalidate" promises).
  std::uint64_t current() const noexcept { return counter_->load(std::memory_order_relaxed); }
  /// Starts a new generation; returns it.
  std::uint64_t bump() noexcept { return counter_->fetch_add(1, std::memory_order_relaxed) + 1; }

 private:
  explicit CacheGeneration(std::atomic<std::uint64_t>* counter) noexcept : counter_(counter) {}

  std::atomic<std::uint64_t>* counter_;
};

}  // namespace pscgi::cache
