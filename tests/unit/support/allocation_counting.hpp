#pragma once
// Counting calls to the global operator new, for the tests that promise a path allocates nothing.
// The replacement operators live in allocation_counting.cpp: there can be only one in the test
// binary, so every such test shares them. They count nothing unless a test asks, so the rest of
// the binary is unaffected.

#include <atomic>
#include <cstddef>

namespace pscgi::testing {

/// Counts this thread's allocations while it is alive.
class CountedAllocations {
 public:
  CountedAllocations() noexcept;
  ~CountedAllocations();
  CountedAllocations(const CountedAllocations&) = delete;
  CountedAllocations& operator=(const CountedAllocations&) = delete;

  /// Allocations made by this thread since construction.
  std::size_t count() const noexcept;
  /// The largest of them, in bytes (0 when none).
  std::size_t largest() const noexcept;
  /// Bytes this thread allocated since construction less those it freed (blocks allocated before
  /// count too when freed, so this can go below zero). In usable sizes, which works with any
  /// malloc, sanitizers' included.
  std::ptrdiff_t net_bytes() const noexcept;

 private:
  std::size_t start_;
  std::ptrdiff_t net_start_;
  std::size_t outer_largest_;  ///< of an enclosing counter, restored (and raised) at destruction
};

/// While alive, this thread's allocations of more than `limit` bytes throw std::bad_alloc, as they
/// do under an address-space limit: for tests of what a failed allocation costs.
class RefusedAllocations {
 public:
  explicit RefusedAllocations(std::size_t limit) noexcept;
  ~RefusedAllocations();
  RefusedAllocations(const RefusedAllocations&) = delete;
  RefusedAllocations& operator=(const RefusedAllocations&) = delete;

  /// How many allocations were refused so far.
  std::size_t refused() const noexcept;

 private:
  std::size_t outer_limit_;
  std::size_t refused_start_;
};

/// What a whole process (a forked worker) allocates, kept in memory shared with the process that
/// forked it, so that the parent can read it while the child runs. Create it with
/// SharedAllocationLog::create() before fork; the child calls count_this_process().
struct SharedAllocationLog {
  static constexpr std::size_t remembered = 64;

  std::atomic<std::size_t> count{0};
  /// The sizes of the latest allocations: allocation number i is at sizes[i % remembered].
  std::atomic<std::size_t> sizes[remembered] = {};

  /// A log in an anonymous shared mapping (never unmapped: tests make a few).
  static SharedAllocationLog& create();
  /// From now on every allocation of this process, by any thread, is counted in this log.
  void count_this_process() noexcept;
};

}  // namespace pscgi::testing
