// The pool's size: SIGTTIN / SIGTTOU within 1..workers.max for a fixed pool, and an adaptive pool
// that grows under a burst of slow requests and shrinks back to workers.min when idle.

#include "lifecycle_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

namespace pscgi::testing {
namespace {

int not_retiring(const std::vector<WorkerProcess>& workers) {
  return count_workers(workers, [](const WorkerProcess& w) { return !w.retiring(); });
}

TEST(PoolSizeTest, TtinAndTtouStayWithinOneAndMax) {
  TempDir dir;
  Server server(dir, lifecycle_config("{ count: 2, max: 3 }"));
  WorkersSeen seen = wait_for_workers(server.pid(), exactly_serving(2), 15s);
  ASSERT_TRUE(seen.ok) << describe(seen.last) << "\n" << server.log();

  server.signal(SIGTTIN);
  seen = wait_for_workers(server.pid(), exactly_serving(3), 15s);
  ASSERT_TRUE(seen.ok) << describe(seen.last) << "\n" << server.log();
  EXPECT_TRUE(server.wait_for_log("SIGTTIN: pool grows to 3 worker(s)")) << server.log();

  server.signal(SIGTTIN);
  ASSERT_TRUE(server.wait_for_log("SIGTTIN: pool already at workers.max (3)")) << server.log();
  // Not a synchronisation: a master that spawned past max anyway would show it within this.
  EXPECT_FALSE(wait_until([&] { return list_workers(server.pid()).size() > 3; }, 500ms))
      << describe(list_workers(server.pid()));

  // Each step is waited for before the next signal: two signals of a kind sent at once may merge.
  for (int size : {2, 1}) {
    server.signal(SIGTTOU);
    seen = wait_for_workers(server.pid(), exactly_serving(size), 15s);
    ASSERT_TRUE(seen.ok) << "expected " << size << ": " << describe(seen.last) << "\n" << server.log();
    EXPECT_TRUE(server.wait_for_log("SIGTTOU: pool shrinks to " + std::to_string(size) + " worker(s)")) << server.log();
  }

  server.signal(SIGTTOU);
  ASSERT_TRUE(server.wait_for_log("SIGTTOU: pool already at its floor (1)")) << server.log();
  EXPECT_FALSE(wait_until([&] { return not_retiring(list_workers(server.pid())) < 1; }, 500ms))
      << describe(list_workers(server.pid()));
  EXPECT_TRUE(exactly_serving(1)(list_workers(server.pid()))) << describe(list_workers(server.pid()));
  EXPECT_EQ(scgi_get(server.socket(), "/hello").status, 200);
  EXPECT_TRUE(wait_until([&] { return count_occurrences(server.log(), "exited: scale_down") == 2; }, 10s))
      << lines_with(server.log(), "exited:");
}

// Samples the pool in the background: the most workers seen that were not retiring.
class PoolSampler {
 public:
  explicit PoolSampler(pid_t master)
      : thread_([this, master] {
          while (!stop_) {
            const int n = not_retiring(list_workers(master));
            most_ = std::max(most_.load(), n);
            std::this_thread::sleep_for(20ms);
          }
        }) {}
  ~PoolSampler() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int most() const noexcept { return most_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> most_{0};
  std::thread thread_;
};

TEST(PoolSizeTest, AdaptivePoolGrowsUnderABurstAndShrinksBackWhenIdle) {
  TempDir dir;
  Server server(dir, lifecycle_config("{ min: 1, max: 4, idle_timeout: 1s, spawn_interval: 100ms }"));
  const WorkersSeen start = wait_for_workers(server.pid(), exactly_serving(1), 15s);
  ASSERT_TRUE(start.ok) << describe(start.last) << "\n" << server.log();

  PoolSampler sampler(server.pid());
  LoadGenerator burst({.clients = 4}, scgi_get_from(server.socket(), "/work?ms=50"), expect_status(200));
  // The burst lasts until the pool is full, within bounds: at least 2 s, at most 6 s.
  std::this_thread::sleep_for(2s);
  wait_until([&] { return sampler.most() >= 4; }, 4s);
  burst.stop();
  sampler.stop();

  std::cout << "[ pool     ] " << burst.successes() << " requests in the burst, at most " << sampler.most()
            << " workers\n";
  EXPECT_EQ(burst.failures(), 0) << burst.failure_report();
  EXPECT_GT(sampler.most(), 1) << server.log();
  EXPECT_LE(sampler.most(), 4) << server.log();
  EXPECT_NE(server.log().find("pool grows to "), std::string::npos) << server.log();

  // Idle now: after idle_timeout (1 s) the extra workers go, down to min.
  const WorkersSeen idle = wait_for_workers(server.pid(), exactly_serving(1), 20s);
  ASSERT_TRUE(idle.ok) << describe(idle.last) << "\n" << server.log();
  EXPECT_NE(server.log().find("pool shrinks to 1 worker(s)"), std::string::npos) << server.log();
  EXPECT_EQ(scgi_get(server.socket(), "/hello").status, 200);
}

}  // namespace
}  // namespace pscgi::testing
