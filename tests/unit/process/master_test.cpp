#include "process/master.hpp"

#include "process/exit_codes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <deque>
#include <map>
#include <sys/wait.h>

namespace pscgi::process {
namespace {

int exited(int code) { return code << 8; }     // a wait status as waitpid reports it
int killed_by(int signal) { return signal; }

// The operating system as the master sees it, played by the test: time moves only when the master
// waits, signals arrive when the test queues them, children exit when the test says so.
class FakeOs final : public ProcessControl {
 public:
  pid_t spawn_worker(int slot) override {
    if (fail_spawns > 0) {
      --fail_spawns;
      return -1;
    }
    const pid_t pid = next_pid++;
    spawned.push_back({slot, pid});
    return pid;
  }
  void send_signal(pid_t pid, int signal) override { sent.push_back({pid, signal}); }
  std::optional<ChildExit> reap_child() override {
    if (exits.empty()) return std::nullopt;
    ChildExit e = exits.front();
    exits.pop_front();
    return e;
  }
  std::vector<int> wait_for_signals(Clock::duration timeout) override {
    waits.push_back(timeout);
    clock += timeout;
    std::vector<int> out(pending.begin(), pending.end());
    pending.clear();
    return out;
  }
  Clock::time_point now() override { return clock; }

  struct Spawn { int slot; pid_t pid; };
  struct Sent { pid_t pid; int signal; };
  std::vector<Spawn> spawned;
  std::vector<Sent> sent;
  std::deque<ChildExit> exits;
  std::vector<int> pending;
  std::vector<Clock::duration> waits;
  Clock::time_point clock{};
  pid_t next_pid = 100;
  int fail_spawns = 0;

  int signals_to(pid_t pid, int signal) const {
    int n = 0;
    for (const Sent& s : sent) n += (s.pid == pid && s.signal == signal) ? 1 : 0;
    return n;
  }
};

struct MasterTest : ::testing::Test {
  FakeOs os;
  int stop_listening_calls = 0;
  int invalidations = 0;
  MasterSettings settings{3, std::chrono::seconds(30)};

  Master make() {
    MasterHooks hooks;
    hooks.stop_listening = [this] { ++stop_listening_calls; };
    hooks.invalidate_cache = [this] { ++invalidations; };
    return Master(settings, os, hooks);
  }
};

TEST_F(MasterTest, StartsTheConfiguredNumberOfWorkersInSlots) {
  Master master = make();
  EXPECT_TRUE(master.turn());
  ASSERT_EQ(os.spawned.size(), 3u);
  EXPECT_EQ(os.spawned[0].slot, 1);
  EXPECT_EQ(os.spawned[2].slot, 3);
  EXPECT_EQ(master.workers().size(), 3u);
}

TEST_F(MasterTest, ReplacesARetiredWorkerAtOnceInTheSameSlot) {
  Master master = make();
  master.turn();
  os.clock += std::chrono::seconds(60);
  os.exits.push_back({101, exited(0)});
  os.pending.push_back(SIGCHLD);
  master.turn();
  ASSERT_EQ(os.spawned.size(), 4u);
  EXPECT_EQ(os.spawned[3].slot, 2);
  EXPECT_EQ(master.workers().size(), 3u);
}

TEST_F(MasterTest, ReapsEveryExitBehindOneSignal) {
  Master master = make();
  master.turn();
  os.clock += std::chrono::seconds(60);
  os.exits.push_back({100, exited(0)});
  os.exits.push_back({101, killed_by(SIGKILL)});
  os.exits.push_back({102, exited(0)});
  os.pending.push_back(SIGCHLD);
  master.turn();
  EXPECT_EQ(os.spawned.size(), 6u);
  EXPECT_EQ(master.workers().size(), 3u);
}

TEST_F(MasterTest, BacksOffWhenWorkersDieRightAfterStarting) {
  settings.worker_count = 1;
  Master master = make();
  master.turn();
  for (int i = 0; i < 4; ++i) {
    os.exits.push_back({os.spawned.back().pid, killed_by(SIGSEGV)});
    master.turn();  // reaps; the respawn waits
  }
  // Each quick failure doubles the wait before the next spawn: 100, 200, 400, 800 ms.
  EXPECT_LT(os.spawned.size(), 5u);
  auto waited = [&](Clock::duration d) { return std::find(os.waits.begin(), os.waits.end(), d) != os.waits.end(); };
  EXPECT_TRUE(waited(std::chrono::milliseconds(100)));
  EXPECT_TRUE(waited(std::chrono::milliseconds(200)));
  for (int i = 0; i < 50 && master.workers().empty(); ++i) master.turn();
  EXPECT_EQ(master.workers().size(), 1u);  // it does come back
}

TEST_F(MasterTest, AWorkerThatLivedLongResetsTheBackOff) {
  settings.worker_count = 1;
  Master master = make();
  master.turn();
  os.clock += std::chrono::seconds(3600);
  os.exits.push_back({os.spawned.back().pid, killed_by(SIGKILL)});
  master.turn();
  EXPECT_EQ(os.spawned.size(), 2u);  // replaced in the same turn, no wait
}

TEST_F(MasterTest, BootFailureStopsTheServerWithStatus1) {
  settings.worker_count = 1;
  Master master = make();
  master.turn();
  os.exits.push_back({100, exited(worker_boot_failure)});
  master.turn();
  EXPECT_TRUE(master.stopping());
  EXPECT_EQ(os.spawned.size(), 1u);
  EXPECT_FALSE(master.turn());
  EXPECT_EQ(master.run(), 1);
}

TEST_F(MasterTest, GracefulStopUnlinksFirstThenTellsWorkersAndWaits) {
  Master master = make();
  master.turn();
  os.pending.push_back(SIGTERM);
  EXPECT_TRUE(master.turn());
  EXPECT_EQ(stop_listening_calls, 1);
  for (const auto& s : os.spawned) EXPECT_EQ(os.signals_to(s.pid, SIGTERM), 1);
  EXPECT_EQ(os.spawned.size(), 3u);  // no respawn while stopping
  for (const auto& s : os.spawned) os.exits.push_back({s.pid, exited(0)});
  EXPECT_FALSE(master.turn());
  EXPECT_EQ(os.spawned.size(), 3u);
}

TEST_F(MasterTest, KillsWorkersStillBusyAtTheGracefulTimeout) {
  Master master = make();
  master.turn();
  os.pending.push_back(SIGTERM);
  master.turn();
  os.exits.push_back({100, exited(0)});
  master.turn();
  // Time passes only in waits; keep turning until the deadline is passed.
  for (int i = 0; i < 40; ++i) master.turn();
  EXPECT_EQ(os.signals_to(101, SIGKILL), 1);
  EXPECT_EQ(os.signals_to(102, SIGKILL), 1);
  EXPECT_EQ(os.signals_to(100, SIGKILL), 0);
  os.exits.push_back({101, killed_by(SIGKILL)});
  os.exits.push_back({102, killed_by(SIGKILL)});
  EXPECT_FALSE(master.turn());
}

TEST_F(MasterTest, NeverWaitsPastTheGracefulDeadline) {
  settings.graceful_timeout = std::chrono::milliseconds(250);
  Master master = make();
  master.turn();
  os.pending.push_back(SIGTERM);
  master.turn();
  os.waits.clear();
  master.turn();
  ASSERT_FALSE(os.waits.empty());
  EXPECT_LE(os.waits.front(), std::chrono::milliseconds(250));
}

TEST_F(MasterTest, SecondStopSignalIsImmediate) {
  Master master = make();
  master.turn();
  os.pending.push_back(SIGTERM);
  master.turn();
  os.pending.push_back(SIGINT);
  master.turn();
  for (const auto& s : os.spawned) EXPECT_EQ(os.signals_to(s.pid, SIGKILL), 1);
  EXPECT_EQ(stop_listening_calls, 1);
}

TEST_F(MasterTest, Usr2InvalidatesTheCache) {
  Master master = make();
  master.turn();
  os.pending.push_back(SIGUSR2);
  master.turn();
  EXPECT_EQ(invalidations, 1);
}

TEST_F(MasterTest, Usr1IsPassedToEveryWorker) {
  Master master = make();
  master.turn();
  os.pending.push_back(SIGUSR1);
  master.turn();
  for (const auto& s : os.spawned) EXPECT_EQ(os.signals_to(s.pid, SIGUSR1), 1);
}

TEST_F(MasterTest, AFailedForkIsRetriedLater) {
  settings.worker_count = 1;
  os.fail_spawns = 1;
  Master master = make();
  master.turn();
  EXPECT_TRUE(master.workers().empty());
  for (int i = 0; i < 5 && master.workers().empty(); ++i) master.turn();
  EXPECT_EQ(master.workers().size(), 1u);
}

TEST(DescribeWaitStatusTest, SaysHowAProcessEnded) {
  EXPECT_EQ(describe_wait_status(exited(3)), "exited with status 3");
  EXPECT_NE(describe_wait_status(killed_by(SIGKILL)).find("signal 9"), std::string::npos);
}

}  // namespace
}  // namespace pscgi::process
