// Recycling: workers that reach max_requests, max_lifetime or max_rss are replaced one at a time,
// the replacement first, so capacity never dips and no request fails.

#include "lifecycle_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <thread>

namespace pscgi::testing {
namespace {

// Watches the pool's titles every ~20 ms while recycling runs, for the two promises of the
// discipline: at least `ready` workers that take requests (serving or due; not starting, not
// retiring), and at most `max_retiring` retiring at once.
//
// Titles are read one process at a time, and the master's handover changes two titles in two
// processes (the new worker's "starting" goes, then the old one becomes "retiring"), each written
// by its own process a moment after the scoreboard changed. One scan can therefore catch the old
// worker already retiring and the new one not yet showing it serves, although the scoreboard never
// had fewer ready workers. Such a race lasts microseconds, so it cannot show in two samples 20 ms
// apart; a real dip, which lasts as long as a worker takes to start, would. So a shortfall fails
// the test only when two consecutive samples show it; single ones are counted and reported.
// `retiring` has no such race (a retiring worker's title stays until it exits), so it is checked
// on every sample.
class DisciplineSampler {
 public:
  DisciplineSampler(pid_t master, int ready, int max_retiring)
      : master_(master), ready_(ready), max_retiring_(max_retiring), thread_([this] { run(); }) {}
  ~DisciplineSampler() { stop(); }

  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  long samples() const noexcept { return samples_; }
  long lone_shortfalls() const noexcept { return lone_shortfalls_; }
  /// What broke the discipline ("" when nothing did).
  std::string violations() const {
    std::lock_guard lock(mutex_);
    return violations_;
  }

 private:
  void run() {
    int short_run = 0;  // consecutive samples with too few ready
    std::string previous;
    while (!stop_) {
      const std::vector<WorkerProcess> workers = list_workers(master_);
      ++samples_;
      const int ready = count_workers(workers, [](const WorkerProcess& w) { return w.ready(); });
      const int retiring = count_workers(workers, [](const WorkerProcess& w) { return w.retiring(); });
      if (ready < ready_) {
        if (++short_run == 2) note("fewer than " + std::to_string(ready_) + " ready in two samples running: " + previous + " / " + describe(workers));
      } else {
        if (short_run == 1) ++lone_shortfalls_;
        short_run = 0;
      }
      if (retiring > max_retiring_) note(std::to_string(retiring) + " retiring at once: " + describe(workers));
      previous = describe(workers);
      std::this_thread::sleep_for(20ms);
    }
    if (short_run == 1) ++lone_shortfalls_;
  }

  void note(const std::string& what) {
    std::lock_guard lock(mutex_);
    if (violations_.size() < 4000) violations_ += what + "\n";
  }

  const pid_t master_;
  const int ready_;
  const int max_retiring_;
  std::atomic<bool> stop_{false};
  std::atomic<long> samples_{0};
  std::atomic<long> lone_shortfalls_{0};
  mutable std::mutex mutex_;
  std::string violations_;
  std::thread thread_;
};

TEST(RecyclingTest, MaxRequestsUnderLoadThroughNginxKeepsCapacityAndRecyclesOneAtATime) {
  TempDir dir;
  Server server(dir, lifecycle_config("{ count: 4, max_requests: 20, max_requests_jitter: 5 }"));
  Nginx nginx(dir, server.socket());
  const WorkersSeen start = wait_for_workers(server.pid(), exactly_serving(4), 15s);
  ASSERT_TRUE(start.ok) << describe(start.last) << "\n" << server.log();

  // The load lasts until eight workers have been recycled under it (each a full handover) and the
  // sampler has looked at the pool 40 times (a due worker tells the master at once, so eight
  // handovers may take less than the sampler's 20 ms steps ten times over), with a cap on the
  // requests so that a master that never recycles still ends the test.
  constexpr int recycled = 8;
  DisciplineSampler sampler(server.pid(), 4, 1);
  LoadGenerator load({.clients = 4, .cap = 20000, .pause = 2ms}, http_get(nginx.port(), "/hello"), expect_status(200));
  const bool enough = wait_until(
      [&] { return count_occurrences(server.log(), "exited: max_requests") >= recycled && sampler.samples() >= 40; },
      60s);
  load.stop();
  // The workers left due by the load are recycled without it; the sampler watches that too.
  const WorkersSeen settled = wait_for_workers(server.pid(), exactly_serving(4), 30s);
  sampler.stop();

  EXPECT_TRUE(enough) << lines_with(server.log(), "exited:");
  EXPECT_EQ(load.failures(), 0) << load.failure_report() << "\nnginx: " << nginx.error_log() << "\n" << server.log();
  EXPECT_TRUE(settled.ok) << describe(settled.last) << "\n" << server.log();
  EXPECT_EQ(sampler.violations(), "");
  EXPECT_GT(sampler.samples(), 10);
  std::cout << "[ sampler  ] " << load.successes() << " requests, "
            << count_occurrences(server.log(), "exited: max_requests") << " recycled, " << sampler.samples()
            << " samples, " << sampler.lone_shortfalls() << " lone sample(s) with too few ready\n";
  EXPECT_NE(server.log().find("is due (max_requests); starting its replacement in slot "), std::string::npos)
      << server.log();
  EXPECT_NE(lines_with(server.log(), "retiring worker ").find("): max_requests"), std::string::npos) << server.log();
}

TEST(RecyclingTest, MaxLifetimeRetiresTheWorkerAndANewOneServes) {
  TempDir dir;
  Server server(dir, lifecycle_config("{ count: 1, max_lifetime: 1s, max_lifetime_jitter: 0 }"));
  const WorkersSeen start = wait_for_workers(server.pid(), exactly_serving(1), 15s);
  ASSERT_TRUE(start.ok) << describe(start.last) << "\n" << server.log();
  const pid_t first = start.last.front().pid;

  ASSERT_TRUE(server.wait_for_log("exited: max_lifetime", 15s)) << server.log();
  EXPECT_NE(server.log().find("is due (max_lifetime)"), std::string::npos) << server.log();
  EXPECT_NE(lines_with(server.log(), "exited: max_lifetime").find("(pid " + std::to_string(first) + ", gen 1)"),
            std::string::npos)
      << server.log();
  const Reply hello = scgi_get(server.socket(), "/hello");
  EXPECT_EQ(hello.status, 200);
  EXPECT_NE(pid_in(hello), first);
  EXPECT_NE(pid_in(hello), 0);
}

TEST(RecyclingTest, MaxRssRetiresTheWorkerAndTheServerKeepsServing) {
  TempDir dir;
  // Every worker is bigger than 1 MiB, so each is due as soon as it looks (at start, or after a
  // request) and is replaced: the pool churns, but there is always a worker that takes requests.
  Server server(dir, lifecycle_config("{ count: 1, max_rss: 1MiB }"));
  const WorkersSeen start = wait_for_workers(
      server.pid(), [](const auto& workers) { return count_workers(workers, [](const WorkerProcess& w) { return w.ready(); }) >= 1; },
      15s);
  ASSERT_TRUE(start.ok) << describe(start.last) << "\n" << server.log();

  int requests = 0;
  int failed = 0;
  std::string first_failure;
  const bool retired = wait_until(
      [&] {
        const Reply hello = scgi_get(server.socket(), "/hello");
        ++requests;
        if (hello.status != 200 && ++failed == 1) first_failure = hello.raw;
        return server.log().find("exited: max_rss") != std::string::npos;
      },
      20s, 50ms);
  ASSERT_TRUE(retired) << requests << " requests\n" << server.log();
  EXPECT_EQ(failed, 0) << "of " << requests << "; first: " << first_failure;
  EXPECT_NE(server.log().find("is due (max_rss)"), std::string::npos) << server.log();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(scgi_get(server.socket(), "/hello").status, 200);
}

}  // namespace
}  // namespace pscgi::testing
