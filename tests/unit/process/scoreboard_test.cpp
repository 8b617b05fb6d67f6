#include "process/scoreboard.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace pscgi::process {
namespace {

using namespace std::chrono_literals;

const Clock::time_point some_time = Clock::time_point(123456789ns);

TEST(ScoreboardTest, AFreshScoreboardHasOnlyEmptySlots) {
  const auto board = Scoreboard::create(3);
  EXPECT_EQ(board->capacity(), 3);
  for (int slot = 1; slot <= 3; ++slot) {
    const SlotSnapshot s = board->read(slot);
    EXPECT_EQ(s.slot, slot);
    EXPECT_EQ(s.lifecycle, Lifecycle::empty);
    EXPECT_EQ(s.pid, 0);
    EXPECT_EQ(s.previous_exit, ExitReason::none);
    EXPECT_EQ(s.request, "");
  }
  EXPECT_EQ(board->first_free(3), 1);
}

TEST(ScoreboardTest, AClaimedSlotStartsAndTheWorkerWritesItsLife) {
  const auto board = Scoreboard::create(4);
  board->claim(2, 7);
  board->set_pid(2, 4242);
  SlotSnapshot s = board->read(2);
  EXPECT_EQ(s.lifecycle, Lifecycle::starting);
  EXPECT_EQ(s.generation, 7u);
  EXPECT_EQ(s.pid, 4242);
  EXPECT_FALSE(s.busy());

  SlotWriter writer = board->writer(2);
  writer.mark_ready();
  s = board->read(2);
  EXPECT_EQ(s.lifecycle, Lifecycle::serving);
  EXPECT_EQ(s.activity, Activity::idle);
  EXPECT_FALSE(s.busy());

  writer.begin_request("GET", "/hello?x=1", some_time);
  writer.set_requests(5);
  writer.publish_cache({10, 6, 3, 1, 3, 2, 4, 9000});
  writer.set_rss(8 << 20);
  s = board->read(2);
  EXPECT_EQ(s.activity, Activity::handling);
  EXPECT_TRUE(s.busy());
  EXPECT_EQ(s.request, "GET /hello?x=1");
  EXPECT_EQ(s.request_started, some_time);
  EXPECT_EQ(s.requests, 5u);
  EXPECT_EQ(s.cache.lookups, 10u);
  EXPECT_EQ(s.cache.hits, 6u);
  EXPECT_EQ(s.cache.misses, 3u);
  EXPECT_EQ(s.cache.bypasses, 1u);
  EXPECT_EQ(s.cache.stores, 3u);
  EXPECT_EQ(s.cache.evictions, 2u);
  EXPECT_EQ(s.cache.entries, 4u);
  EXPECT_EQ(s.cache.bytes, 9000u);
  EXPECT_EQ(s.rss_bytes, 8u << 20);

  writer.set_activity(Activity::writing);
  writer.mark_due(ExitReason::max_rss);
  s = board->read(2);
  EXPECT_EQ(s.lifecycle, Lifecycle::due);
  EXPECT_EQ(s.due_reason, ExitReason::max_rss);
  EXPECT_EQ(s.activity, Activity::writing);

  writer.mark_retiring();
  EXPECT_EQ(board->read(2).lifecycle, Lifecycle::retiring);
  // The other slots saw none of it.
  EXPECT_EQ(board->read(1).lifecycle, Lifecycle::empty);
  EXPECT_EQ(board->read(3).requests, 0u);
}

TEST(ScoreboardTest, ReleaseFreesTheSlotAndTheNextClaimKeepsOnlyWhyThePreviousLeft) {
  const auto board = Scoreboard::create(2);
  board->claim(1, 1);
  board->set_pid(1, 100);
  SlotWriter writer = board->writer(1);
  writer.mark_ready();
  writer.begin_request("POST", "/form", some_time);
  writer.set_requests(20);
  writer.publish_cache({1, 1, 0, 0, 0, 0, 1, 10});
  writer.set_rss(4096);
  writer.mark_due(ExitReason::max_requests);

  board->release(1, ExitReason::max_requests);
  SlotSnapshot s = board->read(1);
  EXPECT_EQ(s.lifecycle, Lifecycle::empty);
  EXPECT_EQ(s.pid, 0);
  EXPECT_EQ(s.previous_exit, ExitReason::max_requests);

  board->claim(1, 2);
  s = board->read(1);
  EXPECT_EQ(s.lifecycle, Lifecycle::starting);
  EXPECT_EQ(s.generation, 2u);
  EXPECT_EQ(s.previous_exit, ExitReason::max_requests);
  EXPECT_EQ(s.due_reason, ExitReason::none);
  EXPECT_EQ(s.activity, Activity::idle);
  EXPECT_EQ(s.requests, 0u);
  EXPECT_EQ(s.request, "");
  EXPECT_EQ(s.request_started, Clock::time_point{});
  EXPECT_EQ(s.cache.lookups, 0u);
  EXPECT_EQ(s.cache.bytes, 0u);
  EXPECT_EQ(s.rss_bytes, 0u);
}

TEST(ScoreboardTest, FirstFreeIsTheLowestEmptySlotWithinTheLimit) {
  const auto board = Scoreboard::create(4);
  board->claim(1, 1);
  board->claim(2, 1);
  EXPECT_EQ(board->first_free(4), 3);
  EXPECT_EQ(board->first_free(2), 0);
  EXPECT_EQ(board->first_free(99), 3);  // the capacity bounds it too
  board->release(1, ExitReason::crash);
  EXPECT_EQ(board->first_free(2), 1);
}

TEST(ScoreboardTest, AHostileUriIsEscapedWhenRead) {
  const auto board = Scoreboard::create(1);
  board->claim(1, 1);
  SlotWriter writer = board->writer(1);
  writer.begin_request("GET", "/a\nb\x1b[31m\"q\"\\\r\xc3\xa9\x7f", some_time);
  EXPECT_EQ(board->read(1).request, "GET /a\\x0ab\\x1b[31m\\x22q\\x22\\x5c\\x0d\\xc3\\xa9\\x7f");
}

TEST(ScoreboardTest, ALongRequestIsTruncatedAndMarkedSo) {
  const auto board = Scoreboard::create(1);
  board->claim(1, 1);
  SlotWriter writer = board->writer(1);
  const std::string uri = "/" + std::string(500, 'a');
  writer.begin_request("GET", uri, some_time);
  const std::string text = board->read(1).request;
  EXPECT_LT(text.size(), 200u);
  EXPECT_GT(text.size(), 100u);
  EXPECT_EQ(text.substr(0, 8), "GET /aaa");
  EXPECT_EQ(text.substr(text.size() - 4), "a...");

  // The next, shorter request shows nothing of the one before.
  writer.begin_request("HEAD", "/", some_time);
  EXPECT_EQ(board->read(1).request, "HEAD /");

  // An absurd method is cut short on its own; the URI is kept.
  writer.begin_request(std::string(400, 'M'), "/x", some_time);
  EXPECT_EQ(board->read(1).request, std::string(16, 'M') + "... /x");
}

// Words are stored whole, the last one from the text's last 8 bytes: every length must come back
// exactly, with nothing of the previous, longer request behind it.
TEST(ScoreboardTest, EveryLengthOfMethodAndUriComesBackExactly) {
  const auto board = Scoreboard::create(1);
  board->claim(1, 1);
  SlotWriter writer = board->writer(1);
  std::string alphabet;
  for (char c = '!'; c <= '~'; ++c) alphabet += c == '\\' || c == '"' ? '_' : c;
  for (std::size_t uri_size = 0; uri_size <= 150; ++uri_size) {
    writer.begin_request("PATCH", std::string(160, 'Z'), some_time);
    std::string uri;
    for (std::size_t i = 0; i < uri_size; ++i) uri += alphabet[i % alphabet.size()];
    writer.begin_request("GET", uri, some_time);
    const std::string expected = "GET " + uri.substr(0, 144) + (uri_size > 144 ? "..." : "");
    ASSERT_EQ(board->read(1).request, expected) << "URI of " << uri_size << " bytes";
  }
  for (std::size_t method_size = 1; method_size <= 17; ++method_size) {
    const std::string method = alphabet.substr(0, method_size);
    writer.begin_request(method, "/", some_time);
    const std::string expected = method.substr(0, 16) + (method_size > 16 ? "..." : "") + " /";
    ASSERT_EQ(board->read(1).request, expected) << "method of " << method_size << " bytes";
  }
}

TEST(ScoreboardTest, TruncationNeverSplitsAnEscape) {
  const auto board = Scoreboard::create(1);
  board->claim(1, 1);
  board->writer(1).begin_request("GET", std::string(300, '\n'), some_time);
  const std::string text = board->read(1).request;
  // Escaping happens after truncation, so every kept byte is a whole "\x0a".
  const std::string body = text.substr(4, text.size() - 4 - 3);
  ASSERT_EQ(body.size() % 4, 0u);
  for (std::size_t i = 0; i < body.size(); i += 4) EXPECT_EQ(body.substr(i, 4), "\\x0a") << i;
}

// The mapping is shared, not copied on write: what a forked child writes, the parent reads.
TEST(ScoreboardTest, AForkedChildWritesItsSlotAndTheParentSeesIt) {
  const auto board = Scoreboard::create(8);
  board->claim(5, 3);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0) << std::strerror(errno);
  if (child == 0) {
    SlotWriter writer = board->writer(5);
    writer.mark_ready();
    writer.begin_request("GET", "/from-the-child", some_time);
    writer.set_requests(42);
    writer.publish_cache({7, 5, 2, 0, 2, 0, 2, 512});
    writer.set_rss(123 * 4096);
    writer.mark_due(ExitReason::max_lifetime);
    std::_Exit(0);
  }
  board->set_pid(5, child);

  int status = -1;
  pid_t reaped = 0;
  const auto give_up = Clock::now() + 10s;
  while ((reaped = ::waitpid(child, &status, WNOHANG)) == 0 && Clock::now() < give_up) {
    std::this_thread::sleep_for(5ms);
  }
  if (reaped == 0) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
    FAIL() << "the child did not exit within 10 s";
  }
  ASSERT_EQ(reaped, child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  const SlotSnapshot s = board->read(5);
  EXPECT_EQ(s.pid, child);
  EXPECT_EQ(s.generation, 3u);
  EXPECT_EQ(s.lifecycle, Lifecycle::due);
  EXPECT_EQ(s.due_reason, ExitReason::max_lifetime);
  EXPECT_EQ(s.activity, Activity::handling);
  EXPECT_EQ(s.request, "GET /from-the-child");
  EXPECT_EQ(s.request_started, some_time);
  EXPECT_EQ(s.requests, 42u);
  EXPECT_EQ(s.cache.hits, 5u);
  EXPECT_EQ(s.cache.bytes, 512u);
  EXPECT_EQ(s.rss_bytes, 123u * 4096);
}

TEST(ScoreboardTest, StateNameIsTheLifecycleOrWhileServingTheActivity) {
  EXPECT_EQ(state_name(Lifecycle::empty, Activity::idle), "empty");
  EXPECT_EQ(state_name(Lifecycle::starting, Activity::idle), "starting");
  EXPECT_EQ(state_name(Lifecycle::serving, Activity::idle), "idle");
  EXPECT_EQ(state_name(Lifecycle::serving, Activity::reading), "reading");
  EXPECT_EQ(state_name(Lifecycle::serving, Activity::handling), "handling");
  EXPECT_EQ(state_name(Lifecycle::serving, Activity::writing), "writing");
  EXPECT_EQ(state_name(Lifecycle::due, Activity::handling), "due");
  EXPECT_EQ(state_name(Lifecycle::retiring, Activity::writing), "retiring");
}

TEST(ScoreboardTest, ExitReasonsHaveTheLogsNames) {
  const std::vector<std::pair<ExitReason, std::string_view>> names = {
      {ExitReason::none, "none"},         {ExitReason::max_requests, "max_requests"},
      {ExitReason::max_lifetime, "max_lifetime"}, {ExitReason::max_rss, "max_rss"},
      {ExitReason::timeout, "timeout"},   {ExitReason::crash, "crash"},
      {ExitReason::reload, "reload"},     {ExitReason::scale_down, "scale_down"},
      {ExitReason::stop, "stop"}};
  for (const auto& [reason, name] : names) EXPECT_EQ(exit_reason_name(reason), name);
  EXPECT_EQ(lifecycle_name(Lifecycle::serving), "serving");
  EXPECT_EQ(activity_name(Activity::writing), "writing");
}

TEST(RssReaderTest, ReadsThisProcesssResidentSetInWholePages) {
  const RssReader reader;
  const std::uint64_t rss = reader.read();
  EXPECT_GT(rss, 0u);
  EXPECT_EQ(rss % static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)), 0u);
}

TEST(RssReaderTest, SeesMemoryThatIsTouched) {
  const RssReader reader;
  constexpr std::size_t size = 32u << 20;
  // Fresh pages from the kernel: memory from malloc may reuse pages an earlier test already made
  // resident (glibc raises its mmap threshold after large frees), and then the RSS would not grow.
  void* mapped = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mapped, MAP_FAILED);
  char* memory = static_cast<char*>(mapped);
  const std::uint64_t before = reader.read();
  std::memset(memory, 1, size);
  const std::uint64_t after = reader.read();
  EXPECT_GE(after, before + size / 2) << "before " << before << ", after " << after;
  EXPECT_EQ(memory[size - 1], 1);
  ::munmap(mapped, size);
}

}  // namespace
}  // namespace pscgi::process
