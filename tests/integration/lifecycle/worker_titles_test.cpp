// The title contract as the lifecycle tests read it: what counts as a worker, its slot, generation
// and state. Everything else in these tests trusts this parser.

#include "worker_titles.hpp"

#include "harness.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

namespace pscgi::testing {
namespace {

TEST(WorkerTitlesTest, ReadsSlotGenerationAndState) {
  const auto serving = parse_worker_title("pscgi: worker 3 (gen 2)");
  ASSERT_TRUE(serving);
  EXPECT_EQ(serving->slot, 3);
  EXPECT_EQ(serving->generation, 2);
  EXPECT_EQ(serving->state, "");
  for (const char* state : {"starting", "due", "retiring"}) {
    const auto parsed = parse_worker_title(std::string("pscgi: worker 12 (gen 40) ") + state);
    ASSERT_TRUE(parsed) << state;
    EXPECT_EQ(parsed->slot, 12);
    EXPECT_EQ(parsed->generation, 40);
    EXPECT_EQ(parsed->state, state);
  }
}

TEST(WorkerTitlesTest, RefusesWhatIsNotAWorkerTitle) {
  for (const char* title : {"pscgi: master (gen 1)", "pscgi: worker 3", "pscgi: worker (gen 1)", "pscgi: worker 3 (gen 1",
                            "pscgi: worker 3 (gen 1) idle", "pscgi: worker 3 (gen 1)  due", "/usr/bin/pscgi --config x",
                            ""}) {
    EXPECT_FALSE(parse_worker_title(title)) << title;
  }
}

TEST(WorkerTitlesTest, ReadsTheMastersGeneration) {
  EXPECT_EQ(parse_master_generation("pscgi: master (gen 7)"), 7);
  EXPECT_FALSE(parse_master_generation("pscgi: master"));
  EXPECT_FALSE(parse_master_generation("pscgi: worker 1 (gen 7)"));
}

TEST(WorkerTitlesTest, ListsOnlyLiveChildren) {
  const pid_t child = ::fork();
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  ASSERT_GT(child, 0);
  const auto workers = list_workers(::getpid());
  ::kill(child, SIGKILL);
  bool found = false;
  for (const WorkerProcess& w : workers) found = found || w.pid == child;
  EXPECT_TRUE(found) << describe(workers);
  // Killed but not yet reaped, it is a zombie: no longer listed.
  EXPECT_TRUE(wait_until([&] { return list_workers(::getpid()).empty(); }, 5s)) << describe(list_workers(::getpid()));
  int status = 0;
  ::waitpid(child, &status, 0);
}

}  // namespace
}  // namespace pscgi::testing
