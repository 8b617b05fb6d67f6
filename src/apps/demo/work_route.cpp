// /work?ms=N&kb=K: a request with a known cost, for benchmarks. It burns N ms of CPU and returns
// exactly K KiB of HTML (or the bare page when K KiB is smaller than it) whose bytes depend only on
// (N, K), so a cached copy and a fresh render are indistinguishable.
#include "apps/demo/html.hpp"
#include "apps/demo/params.hpp"
#include "apps/demo/routes.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <ctime>

namespace pscgi::apps::demo {
namespace {

constexpr std::int64_t max_ms = 10000;
constexpr std::int64_t max_kb = 16384;

// The loop's result is stored here so the compiler cannot prove the loop useless and drop it.
volatile std::uint64_t burn_sink = 0;

std::chrono::nanoseconds thread_cpu_time() noexcept {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

// A busy loop, not a sleep: the point is to occupy the worker's CPU the way a slow page would. It
// counts the thread's own CPU time, not the wall clock, so a page costs N ms of CPU however busy
// the machine is (on a shared machine it then takes longer than N ms to answer, as a real one would).
void burn_cpu(std::chrono::milliseconds duration) {
  if (duration <= std::chrono::milliseconds::zero()) return;
  const auto deadline = thread_cpu_time() + duration;
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  do {
    // Reading the clock is far slower than one round, so do a few thousand rounds between reads.
    for (int i = 0; i < 4096; ++i) {
      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      x *= 0x2545F4914F6CDD1DULL;
    }
    burn_sink = x;
  } while (thread_cpu_time() < deadline);
}

// splitmix64: tiny, and the same sequence on every platform, unlike std:: distributions.
std::uint64_t next_random(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

constexpr std::array<std::string_view, 8> words{"alpha", "bravo", "charlie", "delta",
                                                "echo",  "foxtrot", "golf",  "hotel"};

// Appends rows of exactly `budget` bytes: whole rows while they fit, then whitespace, which HTML ignores.
void append_rows(std::string& page, std::uint64_t seed, std::size_t budget) {
  const std::size_t end = page.size() + budget;
  std::string row;
  for (std::uint64_t i = 1;; ++i) {
    const std::uint64_t value = next_random(seed);
    row.clear();
    fmt::format_to(std::back_inserter(row), "<tr><td>{}</td><td>{:016x}</td><td>{}</td></tr>\n", i, value,
                   words[value % words.size()]);
    if (page.size() + row.size() > end) break;
    page += row;
  }
  page.append(end - page.size(), '\n');
}

// The page is written into one string reserved at its final size, which the response then takes
// over: a 16 MiB page exists once in the worker, not once per concatenation.
std::string make_page(std::int64_t ms, std::int64_t kb) {
  const std::string title = fmt::format("work ms={} kb={}", ms, kb);
  const std::string intro = fmt::format("<p>Burned {} ms of CPU for this page.</p>\n<table>\n", ms);
  constexpr std::string_view outro = "</table>\n";
  std::string page = html_page_start(title);
  const std::size_t bare_size = page.size() + intro.size() + outro.size() + html_page_end().size();
  const auto target = static_cast<std::size_t>(kb) * 1024;
  const std::size_t budget = target > bare_size ? target - bare_size : 0;
  const auto seed = static_cast<std::uint64_t>(ms) * 1'000'003ULL + static_cast<std::uint64_t>(kb);
  page.reserve(bare_size + budget);
  page += intro;
  append_rows(page, seed, budget);
  page += outro;
  page += html_page_end();
  return page;
}

}  // namespace

ResponsePtr work_route(const RouteContext& context) {
  const std::int64_t ms = int_param(context.query, "ms", 0, 0, max_ms);
  const std::int64_t kb = int_param(context.query, "kb", 1, 0, max_kb);
  burn_cpu(std::chrono::milliseconds(ms));
  return html_response(200, make_page(ms, kb));
}

}  // namespace pscgi::apps::demo
