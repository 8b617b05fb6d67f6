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

 private:
  std::size_t start_;
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
