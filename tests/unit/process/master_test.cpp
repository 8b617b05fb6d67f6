#include "process/master.hpp"

#include "master_fixture.hpp"
#include "process/exit_codes.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace pscgi::process {
namespace {

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
  settings = fixed_pool(1);
  Master master = make();
  master.turn();
  for (int i = 0; i < 4; ++i) {
    const std::size_t spawns = os.spawned.size();
    os.exits.push_back({os.spawned.back().pid, killed_by(SIGSEGV)});
    for (int t = 0; t < 100 && os.spawned.size() == spawns; ++t) master.turn();
    ASSERT_EQ(os.spawned.size(), spawns + 1) << "it does come back";
  }
  // Each quick failure doubles the wait before the next spawn: 100, 200, 400 ms.
  auto gap = [&](std::size_t i) { return os.spawned[i].at - os.spawned[i - 1].at; };
  EXPECT_GE(gap(2), std::chrono::milliseconds(200));
  EXPECT_GE(gap(3), std::chrono::milliseconds(400));
  EXPECT_GE(gap(4), std::chrono::milliseconds(800));
}

TEST_F(MasterTest, AWorkerThatLivedLongResetsTheBackOff) {
  settings = fixed_pool(1);
  Master master = make();
  master.turn();
  os.clock += std::chrono::seconds(3600);
  os.exits.push_back({os.spawned.back().pid, killed_by(SIGKILL)});
  master.turn();
  EXPECT_EQ(os.spawned.size(), 2u);  // replaced in the same turn, no wait
}

TEST_F(MasterTest, BootFailureStopsTheServerWithStatus1) {
  settings = fixed_pool(1);
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
  for (int i = 0; i < 400 && os.signals_to(101, SIGKILL) == 0; ++i) master.turn();
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
  settings = fixed_pool(1);
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
