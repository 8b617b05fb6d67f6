#include "cache/cache_generation.hpp"

#include <sys/mman.h>

#include <cerrno>
#include <new>
#include <system_error>

namespace pscgi::cache {

// A lock-based atomic would keep its lock in this process's memory, not in the shared page, and two
// processes would not exclude each other.
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "the shared generation must be lock-free");

std::shared_ptr<CacheGeneration> CacheGeneration::create() {
  void* page =
      mmap(nullptr, sizeof(std::atomic<std::uint64_t>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED)
    throw std::system_error(errno, std::generic_category(), "mmap() of the cache generation failed");
  auto* counter = new (page) std::atomic<std::uint64_t>(0);
  CacheGeneration* generation = nullptr;
  try {
    generation = new CacheGeneration(counter);
  } catch (...) {
    munmap(page, sizeof(std::atomic<std::uint64_t>));
    throw;
  }
  return std::shared_ptr<CacheGeneration>(generation);  // deletes it (and unmaps) if this throws
}

// Each process unmaps its own view; the page goes away with the last one.
CacheGeneration::~CacheGeneration() { munmap(counter_, sizeof(std::atomic<std::uint64_t>)); }

}  // namespace pscgi::cache
