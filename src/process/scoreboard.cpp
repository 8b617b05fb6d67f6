#include "process/scoreboard.hpp"

#include <spdlog/spdlog.h>

#include <array>
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

constexpr std::size_t request_text_words = 20;
constexpr std::size_t request_text_capacity = request_text_words * sizeof(std::uint64_t);
constexpr std::size_t cache_counters = 8;
// A reader that meets the text being rewritten this many times in a row gives up on it.
constexpr int request_read_attempts = 4;

template <typename T>
using Field = std::atomic<T>;

}  // namespace

// Every field is a lock-free atomic, so that a process killed in the middle of a store leaves
// nothing half-written that a reader could trip on, and so that the zero pages of a fresh mapping
// are already valid slots (a lock-free atomic holds its value's plain representation).
struct alignas(64) ScoreboardSlot {
  Field<pid_t> pid;
  Field<std::uint32_t> generation;
  Field<Lifecycle> lifecycle;
  Field<Activity> activity;
  Field<ExitReason> due_reason;
  Field<ExitReason> previous_exit;
  Field<std::uint64_t> requests;
  Field<std::int64_t> request_started_ns;  ///< Clock's count since its epoch
  /// Odd while the worker rewrites the request text.
  Field<std::uint32_t> request_sequence;
  Field<std::uint32_t> request_length;  ///< of the text before truncation
  std::array<Field<std::uint64_t>, request_text_words> request_text;
  std::array<Field<std::uint64_t>, cache_counters> cache;
  Field<std::uint64_t> rss_bytes;
};

static_assert(Field<pid_t>::is_always_lock_free);
static_assert(Field<std::uint32_t>::is_always_lock_free);
static_assert(Field<std::uint64_t>::is_always_lock_free);
static_assert(Field<std::int64_t>::is_always_lock_free);
static_assert(Field<Lifecycle>::is_always_lock_free);
static_assert(Field<Activity>::is_always_lock_free);
static_assert(Field<ExitReason>::is_always_lock_free);
static_assert(sizeof(ScoreboardSlot) % 64 == 0, "one slot never shares a cache line with the next");

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

std::int64_t to_ns(Clock::time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

Clock::time_point from_ns(std::int64_t ns) noexcept {
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(ns)));
}

// Written out, not looped over a copy: this runs on every cache hit.
void store_cache(ScoreboardSlot& slot, const CacheTally& t) noexcept {
  slot.cache[0].store(t.lookups, relaxed);
  slot.cache[1].store(t.hits, relaxed);
  slot.cache[2].store(t.misses, relaxed);
  slot.cache[3].store(t.bypasses, relaxed);
  slot.cache[4].store(t.stores, relaxed);
  slot.cache[5].store(t.evictions, relaxed);
  slot.cache[6].store(t.entries, relaxed);
  slot.cache[7].store(t.bytes, relaxed);
}

CacheTally load_cache(const ScoreboardSlot& slot) noexcept {
  auto at = [&](std::size_t i) { return slot.cache[i].load(relaxed); };
  return {at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)};
}

// Printable ASCII stays as it is; everything else becomes \xNN, so a hostile URI cannot put a
// newline or a terminal escape into a log line or a status page.
void append_escaped(std::string& out, std::string_view raw) {
  static constexpr char hex[] = "0123456789abcdef";
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte >= 0x7f) {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    } else {
      out += c;
    }
  }
}

// A sequence lock with one writer (the slot's worker): the reader copies the words and keeps them
// only if the sequence number was even and unchanged around the copy.
std::string read_request_text(const ScoreboardSlot& slot) {
  for (int attempt = 0; attempt < request_read_attempts; ++attempt) {
    const std::uint32_t before = slot.request_sequence.load(std::memory_order_acquire);
    if (before % 2 != 0) continue;
    const std::uint32_t length = slot.request_length.load(relaxed);
    std::array<std::uint64_t, request_text_words> words;
    const std::size_t kept = std::min<std::size_t>(length, request_text_capacity);
    for (std::size_t i = 0; i < (kept + 7) / 8; ++i) words[i] = slot.request_text[i].load(relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (slot.request_sequence.load(relaxed) != before) continue;
    std::string text;
    append_escaped(text, {reinterpret_cast<const char*>(words.data()), kept});
    if (length > kept) text += "...";
    return text;
  }
  return "?";
}

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

void SlotWriter::set_activity(Activity activity) noexcept { slot_->activity.store(activity, relaxed); }

// On every request, cache hits included: the bytes are copied as they are (escaping is the
// reader's job) and only the words they fill are stored.
void SlotWriter::begin_request(std::string_view method, std::string_view uri, Clock::time_point started) noexcept {
  const std::size_t method_bytes = std::min(method.size(), request_text_capacity - 1);
  const std::size_t uri_bytes = std::min(uri.size(), request_text_capacity - method_bytes - 1);
  const std::size_t kept = method_bytes + 1 + uri_bytes;
  const std::size_t used_words = (kept + 7) / 8;
  const std::size_t length = std::min<std::size_t>(method.size() + 1 + uri.size(), UINT32_MAX);
  std::array<std::uint64_t, request_text_words> words;
  words[used_words - 1] = 0;  // its tail past `kept` is stored too
  char* const text = reinterpret_cast<char*>(words.data());
  std::memcpy(text, method.data(), method_bytes);
  text[method_bytes] = ' ';
  std::memcpy(text + method_bytes + 1, uri.data(), uri_bytes);

  ScoreboardSlot& slot = *slot_;
  const std::uint32_t sequence = slot.request_sequence.load(relaxed);
  slot.request_sequence.store(sequence + 1, relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  for (std::size_t i = 0; i < used_words; ++i) slot.request_text[i].store(words[i], relaxed);
  slot.request_length.store(static_cast<std::uint32_t>(length), relaxed);
  slot.request_sequence.store(sequence + 2, std::memory_order_release);
  slot.request_started_ns.store(to_ns(started), relaxed);
  slot.activity.store(Activity::handling, std::memory_order_release);
}

void SlotWriter::set_requests(std::uint64_t answered) noexcept { slot_->requests.store(answered, relaxed); }

void SlotWriter::publish_cache(const CacheTally& tally) noexcept { store_cache(*slot_, tally); }

void SlotWriter::set_rss(std::uint64_t bytes) noexcept { slot_->rss_bytes.store(bytes, relaxed); }

void SlotWriter::mark_due(ExitReason reason) noexcept {
  slot_->due_reason.store(reason, relaxed);
  slot_->lifecycle.store(Lifecycle::due, std::memory_order_release);
}

void SlotWriter::mark_retiring() noexcept { slot_->lifecycle.store(Lifecycle::retiring, std::memory_order_release); }

std::shared_ptr<Scoreboard> Scoreboard::create(int capacity) {
  assert(capacity > 0 && capacity <= capacity_limit);
  const std::size_t bytes = sizeof(ScoreboardSlot) * static_cast<std::size_t>(capacity);
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    throw std::system_error(errno, std::generic_category(),
                            "mmap() of the scoreboard (" + std::to_string(bytes) + " bytes) failed");
  }
  // The mapping is zero-filled: every slot is already empty, and pages of slots never claimed stay
  // untouched.
  return std::shared_ptr<Scoreboard>(new Scoreboard(static_cast<ScoreboardSlot*>(memory), capacity, bytes));
}

Scoreboard::Scoreboard(ScoreboardSlot* slots, int capacity, std::size_t mapped_bytes) noexcept
    : slots_(slots), capacity_(capacity), mapped_bytes_(mapped_bytes) {}

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
  s.request_length.store(0, relaxed);
  store_cache(s, {});
  s.rss_bytes.store(0, relaxed);
  s.lifecycle.store(Lifecycle::starting, std::memory_order_release);
}

void Scoreboard::set_pid(int slot, pid_t pid) noexcept { at(slot).pid.store(pid, relaxed); }

void Scoreboard::release(int slot, ExitReason reason) noexcept {
  ScoreboardSlot& s = at(slot);
  s.previous_exit.store(reason, relaxed);
  s.pid.store(0, relaxed);
  s.activity.store(Activity::idle, relaxed);
  s.due_reason.store(ExitReason::none, relaxed);
  s.lifecycle.store(Lifecycle::empty, std::memory_order_release);
}

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
  return snapshot;
}

int Scoreboard::first_free(int limit) const noexcept {
  const int last = std::min(limit, capacity_);
  for (int slot = 1; slot <= last; ++slot) {
    if (at(slot).lifecycle.load(std::memory_order_acquire) == Lifecycle::empty) return slot;
  }
  return 0;
}

// Opened by the process that reads it: /proc/self is resolved at open, so a descriptor opened
// before fork would go on describing the master.
RssReader::RssReader() noexcept : fd_(::open("/proc/self/statm", O_RDONLY | O_CLOEXEC)) {
  if (fd_ < 0) spdlog::warn("open() of /proc/self/statm failed: {}; RSS is not watched", std::strerror(errno));
}

RssReader::~RssReader() {
  if (fd_ >= 0) ::close(fd_);
}

// statm is "size resident shared text lib data dt", in pages.
std::uint64_t RssReader::read() const noexcept {
  if (fd_ < 0) return 0;
  char text[128];
  const ssize_t n = ::pread(fd_, text, sizeof(text) - 1, 0);
  if (n <= 0) {
    spdlog::warn("pread() of /proc/self/statm failed: {}", n < 0 ? std::strerror(errno) : "empty");
    return 0;
  }
  const char* const end = text + n;
  const char* resident = static_cast<const char*>(std::memchr(text, ' ', static_cast<std::size_t>(n)));
  std::uint64_t pages = 0;
  if (resident == nullptr || std::from_chars(resident + 1, end, pages).ec != std::errc()) return 0;
  static const auto page_size = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  return pages * page_size;
}

}  // namespace pscgi::process
