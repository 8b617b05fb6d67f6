// The master's decisions from the scoreboard — recycling, the watchdog, the pool's size, reload —
// on the ProcessControl seam with a fake clock and workers played by the test.

#include "process/master.hpp"

#include "master_fixture.hpp"
#include "process/exit_codes.hpp"

#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <set>
#include <sstream>

namespace pscgi::process {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

void turn_for(Master& master, FakeOs& os, Clock::duration how_long) {
  const Clock::time_point end = os.clock + how_long;
  while (os.clock < end) master.turn();
}

TEST_F(MasterTest, ADueWorkerIsReplacedFirstAndRetiredOnceItsReplacementIsReady) {
  settings = fixed_pool(2);
  Master master = make();
  master.turn();
  make_all_ready(master);
  master.turn();
  slot_of(100).mark_due(ExitReason::max_requests);
  master.turn();
  ASSERT_EQ(os.spawned.size(), 3u) << "the replacement starts while the due worker still serves";
  EXPECT_EQ(os.spawned[2].slot, 3);
  EXPECT_EQ(os.signals_to(100, SIGTERM), 0);
  turn_for(master, os, seconds(2));
  EXPECT_EQ(os.signals_to(100, SIGTERM), 0) << "not before the replacement is ready";

  make_ready(os.spawned[2].pid);
  master.turn();
  EXPECT_EQ(os.signals_to(100, SIGTERM), 1);
  exit_cleanly(100);
  master.turn();
  EXPECT_EQ(master.workers().size(), 2u);
  EXPECT_EQ(os.spawned.size(), 3u) << "the replacement took its place: nothing more to start";
  EXPECT_EQ(scoreboard->read(1).previous_exit, ExitReason::max_requests);
}

TEST_F(MasterTest, NoMoreThanMaxRecyclingWorkersAreReplacedAtOnce) {
  settings = fixed_pool(4);
  settings.max_recycling = 1;
  Master master = make();
  master.turn();
  make_all_ready(master);
  master.turn();
  for (pid_t pid = 100; pid < 104; ++pid) slot_of(pid).mark_due(ExitReason::max_requests);
  master.turn();
  EXPECT_EQ(os.spawned.size(), 5u) << "one replacement only";
  for (int round = 0; round < 4; ++round) {
    const pid_t replacement = os.spawned.back().pid;
    make_ready(replacement);
    master.turn();
    EXPECT_LE(count_retiring(master), 1);
    for (const WorkerRecord& w : master.workers().all()) {
      if (w.retiring) exit_cleanly(w.pid);
    }
    master.turn();
    EXPECT_LE(count_retiring(master), 1);
  }
  EXPECT_EQ(os.spawned.size(), 8u) << "every due worker was replaced, one at a time";
  EXPECT_EQ(master.workers().size(), 4u);
}

TEST_F(MasterTest, AReplacementThatDiesLeavesItsDueWorkerToBeTriedAgain) {
  settings = fixed_pool(1);
  Master master = make();
  master.turn();
  make_all_ready(master);
  master.turn();
  slot_of(100).mark_due(ExitReason::max_rss);
  master.turn();
  ASSERT_EQ(os.spawned.size(), 2u);
  os.clock += seconds(5);
  os.exits.push_back({101, killed_by(SIGSEGV)});
  master.turn();
  ASSERT_EQ(os.spawned.size(), 3u) << "a new replacement";
  EXPECT_EQ(os.signals_to(100, SIGTERM), 0);
  make_ready(os.spawned[2].pid);
  master.turn();
  EXPECT_EQ(os.signals_to(100, SIGTERM), 1);
}

TEST_F(MasterTest, LooksMoreOftenWhileAWorkerIsStarting) {
  Master master = make();
  master.turn();
  os.waits.clear();
  master.turn();
  ASSERT_FALSE(os.waits.empty());
  EXPECT_LE(os.waits.back(), milliseconds(10)) << "a handover ends as soon as the new worker is ready";
  make_all_ready(master);
  master.turn();
  master.turn();
  EXPECT_EQ(os.waits.back(), milliseconds(100));
}

TEST_F(MasterTest, ARssLimitBelowAFreshWorkerIsReportedOnce) {
  settings = fixed_pool(1);
  Master master = make();
  master.turn();
  make_all_ready(master);
  slot_of(100).mark_due(ExitReason::max_rss);
  std::ostringstream out;
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out)));
  master.turn();
  make_ready(os.spawned.back().pid);
  slot_of(os.spawned.back().pid).mark_due(ExitReason::max_rss);
  master.turn();
  master.turn();
  spdlog::set_default_logger(previous);
  const std::string log = out.str();
  std::size_t warnings = 0;
  for (std::size_t at = log.find("raise workers.max_rss"); at != std::string::npos; at = log.find("raise workers.max_rss", at + 1)) {
    ++warnings;
  }
  EXPECT_EQ(warnings, 1u) << log;
}

TEST_F(MasterTest, BudgetsAreDrawnAboveTheFloorAndDifferBetweenWorkers) {
  settings = fixed_pool(6);
  settings.max_requests = 20;
  settings.max_requests_jitter = 10;
  Master master = make();
  master.turn();
  std::set<std::uint64_t> budgets;
  for (const auto& s : os.spawned) {
    EXPECT_GE(s.spec.request_budget, 20u);
    EXPECT_LE(s.spec.request_budget, 30u);
    budgets.insert(s.spec.request_budget);
  }
  EXPECT_EQ(budgets.size(), 6u);
}

TEST_F(MasterTest, LifetimesAreDrawnWithinTheirJitter) {
  settings = fixed_pool(4);
  settings.max_lifetime = seconds(100);
  settings.max_lifetime_jitter_percent = 10;
  Master master = make();
  master.turn();
  for (const auto& s : os.spawned) {
    EXPECT_GE(s.spec.lifetime, seconds(100));
    EXPECT_LE(s.spec.lifetime, seconds(110));
  }
}

TEST_F(MasterTest, NoLimitsMeansZeroBudgetAndLifetime) {
  Master master = make();
  master.turn();
  EXPECT_EQ(os.spawned[0].spec.request_budget, 0u);
  EXPECT_EQ(os.spawned[0].spec.lifetime, Clock::duration::zero());
}

TEST_F(MasterTest, TheWatchdogKillsAHungRequestAndReplacesTheWorkerAtOnce) {
  settings = fixed_pool(2);
  settings.timeout = seconds(1);
  Master master = make();
  master.turn();
  make_all_ready(master);
  master.turn();
  slot_of(100).begin_request("GET", "/work?ms=3000", os.clock);
  turn_for(master, os, milliseconds(900));
  EXPECT_EQ(os.signals_to(100, SIGKILL), 0);
  turn_for(master, os, milliseconds(300));
  EXPECT_EQ(os.signals_to(100, SIGKILL), 1);
  EXPECT_EQ(os.signals_to(101, SIGKILL), 0) << "the other worker keeps serving";
  EXPECT_EQ(os.spawned.size(), 3u) << "replaced at once, before it is even reaped";
  os.exits.push_back({100, killed_by(SIGKILL)});
  master.turn();
  EXPECT_EQ(scoreboard->read(1).previous_exit, ExitReason::timeout);
  EXPECT_EQ(master.workers().size(), 2u);
}

TEST_F(MasterTest, TheWatchdogLeavesSlowWritersAndIdleWorkersAlone) {
  settings = fixed_pool(1);
  settings.timeout = seconds(1);
  Master master = make();
  master.turn();
  make_all_ready(master);
  SlotWriter slot = slot_of(100);
  slot.begin_request("GET", "/big", os.clock);
  slot.set_activity(Activity::writing);
  turn_for(master, os, seconds(5));
  EXPECT_EQ(os.signals_to(100, SIGKILL), 0);
}

TEST_F(MasterTest, TtinAndTtouChangeThePoolWithinItsBounds) {
  settings = fixed_pool(2);
  settings.max_workers = 3;
  Master master = make();
  master.turn();
  os.pending.push_back(SIGTTIN);
  master.turn();
  EXPECT_EQ(os.spawned.size(), 3u);
  os.pending.push_back(SIGTTIN);
  master.turn();
  EXPECT_EQ(os.spawned.size(), 3u) << "workers.max";
  EXPECT_EQ(master.target(), 3);
  make_all_ready(master);
  master.turn();
  os.pending.push_back(SIGTTOU);
  os.pending.push_back(SIGTTOU);
  master.turn();
  EXPECT_EQ(count_retiring(master), 2);
  EXPECT_EQ(master.target(), 1);
  os.pending.push_back(SIGTTOU);
  master.turn();
  EXPECT_EQ(master.target(), 1) << "a fixed pool keeps one worker";
  for (const WorkerRecord& w : master.workers().all()) {
    if (w.retiring) {
      EXPECT_EQ(w.exit_reason, ExitReason::scale_down);
      exit_cleanly(w.pid);
    }
  }
  master.turn();
  EXPECT_EQ(master.workers().size(), 1u);
  EXPECT_EQ(os.spawned.size(), 3u);
}

struct AdaptiveTest : MasterTest {
  AdaptiveTest() {
    settings.adaptive = true;
    settings.initial_workers = 1;
    settings.min_workers = 1;
    settings.max_workers = 4;
    settings.spawn_interval = milliseconds(200);
    settings.idle_timeout = seconds(2);
  }
  void busy_all(const Master& master) {
    for (const WorkerRecord& w : master.workers().all()) {
      if (scoreboard->read(w.slot).lifecycle != Lifecycle::starting) scoreboard->writer(w.slot).begin_request("GET", "/work", os.clock);
    }
  }
};

TEST_F(AdaptiveTest, GrowsOneWorkerPerSpawnIntervalWhileAllAreBusyAndNeverPastMax) {
  Master master = make();
  master.turn();
  make_all_ready(master);
  busy_all(master);
  std::vector<std::pair<Clock::time_point, std::size_t>> sizes;
  for (int i = 0; i < 40; ++i) {
    master.turn();
    make_all_ready(master);
    busy_all(master);
  }
  EXPECT_EQ(master.workers().size(), 4u);
  EXPECT_EQ(master.target(), 4);
  for (std::size_t i = 2; i < os.spawned.size(); ++i) {
    EXPECT_GE(os.spawned[i].at - os.spawned[i - 1].at, milliseconds(200));
  }
}

TEST_F(AdaptiveTest, DoesNotGrowWhileAWorkerIsIdle) {
  settings.initial_workers = 2;
  settings.min_workers = 2;
  Master master = make();
  master.turn();
  make_all_ready(master);
  slot_of(100).begin_request("GET", "/work", os.clock);
  turn_for(master, os, seconds(1));
  EXPECT_EQ(os.spawned.size(), 2u);
}

TEST_F(AdaptiveTest, ShrinksBackToMinAfterTheIdleTimeout) {
  Master master = make();
  master.turn();
  make_all_ready(master);
  busy_all(master);
  for (int i = 0; i < 40; ++i) {
    master.turn();
    make_all_ready(master);
    busy_all(master);
  }
  ASSERT_EQ(master.workers().size(), 4u);
  for (const WorkerRecord& w : master.workers().all()) scoreboard->writer(w.slot).set_activity(Activity::idle);
  turn_for(master, os, seconds(1));
  EXPECT_EQ(count_retiring(master), 0) << "not before idle_timeout";
  turn_for(master, os, seconds(2));
  EXPECT_EQ(master.target(), 1);
  EXPECT_EQ(count_retiring(master), 3);
  for (const WorkerRecord& w : master.workers().all()) {
    if (w.retiring) {
      EXPECT_EQ(w.exit_reason, ExitReason::scale_down);
    }
  }
}

TEST_F(AdaptiveTest, KeepsSpareIdleWorkersBesideTheBusyOnes) {
  settings.spare = 1;
  Master master = make();
  master.turn();
  make_all_ready(master);
  for (int i = 0; i < 40; ++i) {
    slot_of(100).begin_request("GET", "/work", os.clock);
    master.turn();
    make_all_ready(master);
  }
  // It grows while no more than `spare` are idle, so spare + 1 stay idle beside the busy one.
  EXPECT_EQ(master.workers().size(), 3u);
}

struct ReloadTest : MasterTest {
  std::vector<std::uint32_t> prepared;
  std::vector<std::uint32_t> gone;
  std::optional<MasterSettings> next_settings;

  Master make_reloadable() {
    MasterHooks hooks;
    hooks.reload = [this](std::uint32_t generation) {
      if (next_settings) prepared.push_back(generation);
      return next_settings;
    };
    hooks.generation_gone = [this](std::uint32_t generation) { gone.push_back(generation); };
    return make(hooks);
  }
};

TEST_F(ReloadTest, StartsTheNewGenerationAndRetiresTheOldOneAsItBecomesReady) {
  settings = fixed_pool(2);
  next_settings = fixed_pool(3);
  Master master = make_reloadable();
  master.turn();
  make_all_ready(master);
  master.turn();
  os.pending.push_back(SIGHUP);
  master.turn();
  EXPECT_EQ(master.generation(), 2u);
  EXPECT_EQ(prepared, std::vector<std::uint32_t>{2});
  ASSERT_EQ(pids_of_generation(master, 2).size(), 3u);
  EXPECT_EQ(os.spawned.back().spec.generation, 2u);
  EXPECT_EQ(count_retiring(master), 0) << "the old generation serves until the new one is ready";

  make_ready(pids_of_generation(master, 2)[0]);
  master.turn();
  EXPECT_EQ(count_retiring(master), 0) << "3 wanted, 1 ready: both old ones stay";
  make_ready(pids_of_generation(master, 2)[1]);
  master.turn();
  EXPECT_EQ(count_retiring(master), 1);
  make_ready(pids_of_generation(master, 2)[2]);
  master.turn();
  EXPECT_EQ(count_retiring(master), 2);
  for (pid_t pid : pids_of_generation(master, 1)) exit_cleanly(pid);
  master.turn();
  EXPECT_EQ(gone, std::vector<std::uint32_t>{1});
  EXPECT_EQ(master.workers().size(), 3u);
  EXPECT_EQ(scoreboard->read(1).previous_exit, ExitReason::reload);
}

TEST_F(ReloadTest, AnUnusableConfigurationChangesNothing) {
  Master master = make_reloadable();
  master.turn();
  make_all_ready(master);
  os.pending.push_back(SIGHUP);
  master.turn();
  EXPECT_EQ(master.generation(), 1u);
  EXPECT_EQ(os.spawned.size(), 3u);
  EXPECT_TRUE(os.sent.empty());
}

TEST_F(ReloadTest, ANewGenerationThatCannotStartIsRolledBack) {
  settings = fixed_pool(2);
  next_settings = fixed_pool(2);
  Master master = make_reloadable();
  master.turn();
  make_all_ready(master);
  os.pending.push_back(SIGHUP);
  master.turn();
  const std::vector<pid_t> fresh = pids_of_generation(master, 2);
  ASSERT_EQ(fresh.size(), 2u);
  os.exits.push_back({fresh[0], exited(worker_boot_failure)});
  master.turn();
  EXPECT_FALSE(master.stopping());
  EXPECT_EQ(master.generation(), 1u);
  EXPECT_EQ(os.signals_to(fresh[1], SIGTERM), 1);
  EXPECT_EQ(os.signals_to(100, SIGTERM), 0) << "the old generation keeps serving";
  exit_cleanly(fresh[1]);
  master.turn();
  EXPECT_EQ(gone, std::vector<std::uint32_t>{2});
  EXPECT_EQ(master.workers().size(), 2u);
}

TEST_F(ReloadTest, AnAdaptivePoolKeepsItsSizeAcrossAReload) {
  settings.adaptive = true;
  settings.initial_workers = 1;
  settings.min_workers = 1;
  settings.max_workers = 8;
  next_settings = settings;
  Master master = make_reloadable();
  master.turn();
  os.pending.push_back(SIGTTIN);
  os.pending.push_back(SIGTTIN);
  master.turn();
  ASSERT_EQ(master.target(), 3);
  make_all_ready(master);
  master.turn();
  os.pending.push_back(SIGHUP);
  master.turn();
  EXPECT_EQ(pids_of_generation(master, 2).size(), 3u);
}

TEST_F(MasterTest, AGracefulStopRecordsStopAsTheReason) {
  settings = fixed_pool(1);
  Master master = make();
  master.turn();
  os.pending.push_back(SIGTERM);
  master.turn();
  exit_cleanly(100);
  EXPECT_FALSE(master.turn());
  EXPECT_EQ(scoreboard->read(1).previous_exit, ExitReason::stop);
}

TEST_F(MasterTest, AnUnaskedExitIsACrash) {
  settings = fixed_pool(1);
  Master master = make();
  master.turn();
  os.clock += seconds(10);
  os.exits.push_back({100, killed_by(SIGSEGV)});
  master.turn();
  EXPECT_EQ(scoreboard->read(1).previous_exit, ExitReason::crash);
}

TEST_F(MasterTest, ReadyIsAnnouncedOnceEveryWorkerIsReady) {
  int readies = 0;
  MasterHooks hooks;
  hooks.ready = [&] { ++readies; };
  Master master = make(hooks);
  master.turn();
  EXPECT_EQ(readies, 0) << "forked is not ready";
  make_all_ready(master);
  master.turn();
  master.turn();
  EXPECT_EQ(readies, 1);
}

}  // namespace
}  // namespace pscgi::process
