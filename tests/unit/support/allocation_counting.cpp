#include "unit/support/allocation_counting.hpp"

#include <algorithm>
#include <cstdlib>
#include <malloc.h>
#include <new>
#include <stdexcept>
#include <sys/mman.h>
#include <utility>

namespace pscgi::testing {
namespace {

thread_local std::size_t thread_allocations = 0;
thread_local int thread_counters = 0;  ///< CountedAllocations alive in this thread
thread_local std::size_t thread_largest = 0;
thread_local std::ptrdiff_t thread_net_bytes = 0;  ///< kept whether or not a counter is alive
thread_local std::size_t thread_refuse_above = 0;  ///< 0: refuse nothing
thread_local std::size_t thread_refused = 0;
SharedAllocationLog* process_log = nullptr;

void note_allocation(std::size_t size) noexcept {
  if (thread_counters > 0) {
    ++thread_allocations;
    thread_largest = std::max(thread_largest, size);
  }
  if (process_log != nullptr) {
    const std::size_t number = process_log->count.fetch_add(1, std::memory_order_relaxed);
    process_log->sizes[number % SharedAllocationLog::remembered].store(size, std::memory_order_relaxed);
  }
}

bool is_refused(std::size_t size) noexcept {
  if (thread_refuse_above == 0 || size <= thread_refuse_above) return false;
  ++thread_refused;
  return true;
}

// Every block, whoever counts: net_bytes() takes the difference.
void* noted_block(void* p) noexcept {
  if (p != nullptr) thread_net_bytes += static_cast<std::ptrdiff_t>(::malloc_usable_size(p));
  return p;
}

void free_block(void* p) noexcept {
  if (p == nullptr) return;
  thread_net_bytes -= static_cast<std::ptrdiff_t>(::malloc_usable_size(p));
  std::free(p);
}

}  // namespace

CountedAllocations::CountedAllocations() noexcept
    : start_(thread_allocations), net_start_(thread_net_bytes), outer_largest_(std::exchange(thread_largest, 0)) {
  ++thread_counters;
}
CountedAllocations::~CountedAllocations() {
  --thread_counters;
  thread_largest = std::max(thread_largest, outer_largest_);
}
std::size_t CountedAllocations::count() const noexcept { return thread_allocations - start_; }
std::size_t CountedAllocations::largest() const noexcept { return thread_largest; }
std::ptrdiff_t CountedAllocations::net_bytes() const noexcept { return thread_net_bytes - net_start_; }

RefusedAllocations::RefusedAllocations(std::size_t limit) noexcept
    : outer_limit_(std::exchange(thread_refuse_above, limit)), refused_start_(thread_refused) {}
RefusedAllocations::~RefusedAllocations() { thread_refuse_above = outer_limit_; }
std::size_t RefusedAllocations::refused() const noexcept { return thread_refused - refused_start_; }

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
  if (pscgi::testing::is_refused(size)) throw std::bad_alloc();
  if (void* p = pscgi::testing::noted_block(std::malloc(size == 0 ? 1 : size))) return p;
  throw std::bad_alloc();
}
// The nothrow form too (std::stable_sort's temporary buffer uses it and frees with the sized
// delete below): a new left to the sanitizer's own allocator would not match our free.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  pscgi::testing::note_allocation(size);
  if (pscgi::testing::is_refused(size)) return nullptr;
  return pscgi::testing::noted_block(std::malloc(size == 0 ? 1 : size));
}
void operator delete(void* p) noexcept { pscgi::testing::free_block(p); }
void operator delete(void* p, std::size_t) noexcept { pscgi::testing::free_block(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { pscgi::testing::free_block(p); }
// Over-aligned types (alignas above 16) come through these; counted too, so nothing escapes.
void* operator new(std::size_t size, std::align_val_t alignment) {
  pscgi::testing::note_allocation(size);
  if (pscgi::testing::is_refused(size)) throw std::bad_alloc();
  const auto align = static_cast<std::size_t>(alignment);
  if (void* p = pscgi::testing::noted_block(std::aligned_alloc(align, (size + align - 1) / align * align))) return p;
  throw std::bad_alloc();
}
void operator delete(void* p, std::align_val_t) noexcept { pscgi::testing::free_block(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { pscgi::testing::free_block(p); }
