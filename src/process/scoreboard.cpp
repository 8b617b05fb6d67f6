#include "process/scoreboard.hpp"

#include "log/escape.hpp"
#include "process/scoreboard_pool.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <bit>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <system_error>
#include <unistd.h>

namespace pscgi::process {
namespace {

// A reader that meets the text being rewritten this many times in a row gives up on it.
constexpr int request_read_attempts = 4;
constexpr auto relaxed = std::memory_order_relaxed;

std::int64_t to_ns(Clock::time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

Clock::time_point from_ns(std::int64_t ns) noexcept {
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(ns)));
}

void clear_cache(ScoreboardSlot& slot) noexcept {
  for (auto& counter : slot.cache) counter.store(0, relaxed);
}

CacheTally load_cache(const ScoreboardSlot& slot) noexcept {
  auto at = [&](std::size_t i) { return slot.cache[i].load(relaxed); };
  return {at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)};
}

void clear_durations(ScoreboardSlot& slot) noexcept {
  for (auto& counter : slot.duration_counts) counter.store(0, relaxed);
  slot.duration_sum_ns.store(0, relaxed);
}

DurationHistogram load_durations(const ScoreboardSlot& slot) noexcept {
  DurationHistogram histogram;
  for (std::size_t i = 0; i < DurationHistogram::bucket_count; ++i) histogram.counts[i] = slot.duration_counts[i].load(relaxed);
  histogram.sum_ns = slot.duration_sum_ns.load(relaxed);
  return histogram;
}

// The pool record follows the slots in the mapping.
std::size_t mapping_size(int capacity) noexcept {
  return sizeof(ScoreboardSlot) * static_cast<std::size_t>(capacity) + sizeof(ScoreboardPool);
}

// What a field holds of a text `length` bytes long, copied into `copy`.
template <std::size_t N>
std::string_view load_bytes(const std::array<std::atomic<std::uint64_t>, N>& field, std::uint32_t length,
                            std::array<std::uint64_t, N>& copy) noexcept {
  const std::size_t kept = std::min<std::size_t>(length, N * 8);
  for (std::size_t i = 0; i < (kept + 7) / 8; ++i) copy[i] = field[i].load(relaxed);
  return {reinterpret_cast<const char*>(copy.data()), kept};
}

void append_field(std::string& out, std::string_view kept, std::uint32_t length) {
  log::append_escaped(out, kept);  // a hostile URI reaches log lines and status pages from here
  if (length > kept.size()) out += "...";
}

// A sequence lock with one writer (the slot's worker): the reader copies the words and keeps them
// only if the sequence number was even and unchanged around the copy.
std::string read_request_text(const ScoreboardSlot& slot) {
  for (int attempt = 0; attempt < request_read_attempts; ++attempt) {
    const std::uint32_t before = slot.request_sequence.load(std::memory_order_acquire);
    if (before % 2 != 0) continue;
    const std::uint32_t method_length = slot.method_length.load(relaxed);
    const std::uint32_t uri_length = slot.uri_length.load(relaxed);
    std::array<std::uint64_t, ScoreboardSlot::method_words> method_copy;
    std::array<std::uint64_t, ScoreboardSlot::uri_words> uri_copy;
    const std::string_view method = load_bytes(slot.method, method_length, method_copy);
    const std::string_view uri = load_bytes(slot.uri, uri_length, uri_copy);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (slot.request_sequence.load(relaxed) != before) continue;
    if (method_length == 0 && uri_length == 0) return {};
    std::string text;
    append_field(text, method, method_length);
    text += ' ';
    append_field(text, uri, uri_length);
    return text;
  }
  return "?";
}

// The first `n` (< 8) bytes of `p` in the first bytes of a word, without a call to memcpy.
std::uint64_t short_word(const char* p, std::size_t n) noexcept {
  alignas(8) char bytes[8] = {};
  if (n & 4) std::memcpy(bytes, p, 4);
  if (n & 2) std::memcpy(bytes + (n & 4), p + (n & 4), 2);
  if (n & 1) bytes[n - 1] = p[n - 1];
  std::uint64_t word;
  std::memcpy(&word, bytes, 8);
  return word;
}

// Stores the first N words' worth of `text` a word at a time. Bytes past the text in the last
// word are unspecified (the reader knows the length); they are never read from past its end.
template <std::size_t N>
void store_bytes(std::array<std::atomic<std::uint64_t>, N>& field, std::string_view text) noexcept {
  const std::size_t n = std::min(text.size(), N * 8);
  const char* const p = text.data();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + i, 8);
    field[i / 8].store(word, relaxed);
  }
  if (i == n) return;
  if (n < 8) {
    field[0].store(short_word(p, n), relaxed);
    return;
  }
  // The last 8 bytes, shifted so that the tail leads the word: one load instead of a byte-wise copy.
  std::uint64_t last;
  std::memcpy(&last, p + n - 8, 8);
  const unsigned shift = static_cast<unsigned>(8 * (8 - (n - i)));
  if constexpr (std::endian::native == std::endian::little) last >>= shift;
  else last <<= shift;
  field[i / 8].store(last, relaxed);
}

std::uint32_t clamp_length(std::size_t n) noexcept { return static_cast<std::uint32_t>(std::min<std::size_t>(n, UINT32_MAX)); }

}  // namespace

std::string_view lifecycle_name(Lifecycle lifecycle) noexcept {
  switch (lifecycle) {
    case Lifecycle::empty: return "empty";
    case Lifecycle::starting: return "starting";
    case Lifecycle::serving: return "serving";
    case Lifecycle::due: return "due";
    case Lifecycle::retiring: return "retiring";
  }
  return "?";
}

std::string_view activity_name(Activity activity) noexcept {
  switch (activity) {
    case Activity::idle: return "idle";
    case Activity::reading: return "reading";
    case Activity::handling: return "handling";
    case Activity::writing: return "writing";
  }
  return "?";
}

std::string_view exit_reason_name(ExitReason reason) noexcept {
  switch (reason) {
    case ExitReason::none: return "none";
    case ExitReason::max_requests: return "max_requests";
    case ExitReason::max_lifetime: return "max_lifetime";
    case ExitReason::max_rss: return "max_rss";
    case ExitReason::timeout: return "timeout";
    case ExitReason::crash: return "crash";
    case ExitReason::reload: return "reload";
    case ExitReason::scale_down: return "scale_down";
    case ExitReason::stop: return "stop";
  }
  return "?";
}

std::string_view state_name(Lifecycle lifecycle, Activity activity) noexcept {
  return lifecycle == Lifecycle::serving ? activity_name(activity) : lifecycle_name(lifecycle);
}

void SlotWriter::mark_ready() noexcept {
  slot_->activity.store(Activity::idle, relaxed);
  slot_->lifecycle.store(Lifecycle::serving, std::memory_order_release);
}

// On every request, cache hits included: the bytes are stored as they are, a word at a time
// (escaping is the reader's job).
void SlotWriter::begin_request(std::string_view method, std::string_view uri, Clock::time_point started) noexcept {
  ScoreboardSlot& slot = *slot_;
  const std::uint32_t sequence = slot.request_sequence.load(relaxed);
  slot.request_sequence.store(sequence + 1, relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  store_bytes(slot.method, method);
  store_bytes(slot.uri, uri);
  slot.method_length.store(clamp_length(method.size()), relaxed);
  slot.uri_length.store(clamp_length(uri.size()), relaxed);
  slot.request_sequence.store(sequence + 2, std::memory_order_release);
  slot.request_started_ns.store(to_ns(started), relaxed);
  slot.activity.store(Activity::handling, std::memory_order_release);
}

void SlotWriter::mark_due(ExitReason reason) noexcept {
  slot_->due_reason.store(reason, relaxed);
  slot_->lifecycle.store(Lifecycle::due, std::memory_order_release);
}

void SlotWriter::mark_retiring() noexcept { slot_->lifecycle.store(Lifecycle::retiring, std::memory_order_release); }

std::shared_ptr<Scoreboard> Scoreboard::create(int capacity) {
  assert(capacity > 0 && capacity <= capacity_limit);
  const std::size_t bytes = mapping_size(capacity);
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    throw std::system_error(errno, std::generic_category(),
                            "mmap() of the scoreboard (" + std::to_string(bytes) + " bytes) failed");
  }
  // The mapping is zero-filled: every slot is already empty, and pages of slots never claimed stay
  // untouched. The scoreboard is made by the master before its first fork: its pid and this moment
  // are the pool's.
  auto* slots = static_cast<ScoreboardSlot*>(memory);
  auto* pool = reinterpret_cast<ScoreboardPool*>(slots + capacity);
  start_pool(*pool, ::getpid(), Clock::now());
  return std::shared_ptr<Scoreboard>(new Scoreboard(slots, pool, capacity, bytes));
}

Scoreboard::Scoreboard(ScoreboardSlot* slots, ScoreboardPool* pool, int capacity, std::size_t mapped_bytes) noexcept
    : slots_(slots), pool_(pool), capacity_(capacity), mapped_bytes_(mapped_bytes) {}

Scoreboard::~Scoreboard() {
  if (::munmap(slots_, mapped_bytes_) != 0) spdlog::error("munmap() of the scoreboard failed: {}", std::strerror(errno));
}

ScoreboardSlot& Scoreboard::at(int slot) const noexcept {
  assert(slot >= 1 && slot <= capacity_);
  return slots_[slot - 1];
}

void Scoreboard::claim(int slot, std::uint32_t generation) noexcept {
  ScoreboardSlot& s = at(slot);
  s.pid.store(0, relaxed);
  s.generation.store(generation, relaxed);
  s.activity.store(Activity::idle, relaxed);
  s.due_reason.store(ExitReason::none, relaxed);
  s.requests.store(0, relaxed);
  s.request_started_ns.store(0, relaxed);
  s.method_length.store(0, relaxed);
  s.uri_length.store(0, relaxed);
  clear_cache(s);
  clear_durations(s);
  s.rss_bytes.store(0, relaxed);
  note_claimed(*pool_, slot);
  s.lifecycle.store(Lifecycle::starting, std::memory_order_release);
}

void Scoreboard::set_pid(int slot, pid_t pid) noexcept { at(slot).pid.store(pid, relaxed); }

// The fold and the slot's emptying happen under one odd sequence number: a reader sees the worker
// either live or folded, never both and never neither.
void Scoreboard::release(int slot, ExitReason reason) noexcept {
  ScoreboardSlot& s = at(slot);
  begin_fold(*pool_);
  if (s.pid.load(relaxed) != 0) fold_worker(*pool_, s, slot, reason);
  s.previous_exit.store(reason, relaxed);
  s.pid.store(0, relaxed);
  s.activity.store(Activity::idle, relaxed);
  s.due_reason.store(ExitReason::none, relaxed);
  s.lifecycle.store(Lifecycle::empty, std::memory_order_release);
  end_fold(*pool_);
}

void Scoreboard::set_generation(std::uint32_t generation) noexcept { pool_->generation.store(generation, relaxed); }

SlotWriter Scoreboard::writer(int slot) noexcept { return SlotWriter(at(slot)); }

SlotSnapshot Scoreboard::read(int slot) const {
  const ScoreboardSlot& s = at(slot);
  SlotSnapshot snapshot;
  snapshot.slot = slot;
  snapshot.lifecycle = s.lifecycle.load(std::memory_order_acquire);
  snapshot.activity = s.activity.load(std::memory_order_acquire);
  snapshot.pid = s.pid.load(relaxed);
  snapshot.generation = s.generation.load(relaxed);
  snapshot.due_reason = s.due_reason.load(relaxed);
  snapshot.previous_exit = s.previous_exit.load(relaxed);
  snapshot.requests = s.requests.load(relaxed);
  snapshot.request_started = from_ns(s.request_started_ns.load(relaxed));
  snapshot.request = read_request_text(s);
  snapshot.cache = load_cache(s);
  snapshot.rss_bytes = s.rss_bytes.load(relaxed);
  snapshot.durations = load_durations(s);
  return snapshot;
}


int Scoreboard::first_free(int limit) const noexcept {
  const int last = std::min(limit, capacity_);
  for (int slot = 1; slot <= last; ++slot) {
    if (at(slot).lifecycle.load(std::memory_order_acquire) == Lifecycle::empty) return slot;
  }
  return 0;
}

}  // namespace pscgi::process
