#include "unit/support/allocation_counting.hpp"

#include <cstdlib>
#include <new>
#include <stdexcept>
#include <sys/mman.h>

namespace pscgi::testing {
namespace {

thread_local std::size_t thread_allocations = 0;
thread_local int thread_counters = 0;  ///< CountedAllocations alive in this thread
SharedAllocationLog* process_log = nullptr;

void note_allocation(std::size_t size) noexcept {
  if (thread_counters > 0) ++thread_allocations;
  if (process_log != nullptr) {
    const std::size_t number = process_log->count.fetch_add(1, std::memory_order_relaxed);
    process_log->sizes[number % SharedAllocationLog::remembered].store(size, std::memory_order_relaxed);
  }
}

}  // namespace

CountedAllocations::CountedAllocations() noexcept : start_(thread_allocations) { ++thread_counters; }
CountedAllocations::~CountedAllocations() { --thread_counters; }
std::size_t CountedAllocations::count() const noexcept { return thread_allocations - start_; }

SharedAllocationLog& SharedAllocationLog::create() {
  void* memory = ::mmap(nullptr, sizeof(SharedAllocationLog), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) throw std::runtime_error("mmap() of the shared allocation log failed");
  return *new (memory) SharedAllocationLog;
}

void SharedAllocationLog::count_this_process() noexcept { process_log = this; }

}  // namespace pscgi::testing

// new and delete are both replaced (malloc/free underneath), so sanitizers see matching pairs.
void* operator new(std::size_t size) {
  pscgi::testing::note_allocation(size);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// The nothrow form too (std::stable_sort's temporary buffer uses it and frees with the sized
// delete below): a new left to the sanitizer's own allocator would not match our free.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  pscgi::testing::note_allocation(size);
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
// Over-aligned types (alignas above 16) come through these; counted too, so nothing escapes.
void* operator new(std::size_t size, std::align_val_t alignment) {
  pscgi::testing::note_allocation(size);
  const auto align = static_cast<std::size_t>(alignment);
  if (void* p = std::aligned_alloc(align, (size + align - 1) / align * align)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
