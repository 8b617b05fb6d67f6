#include "proc_cpu.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace pscgi::load {
namespace {

namespace fs = std::filesystem;

std::string stat_line(pid_t pid, const std::string& name, pid_t parent, int utime, int stime,
                      int cutime, int cstime) {
  return std::to_string(pid) + " (" + name + ") S " + std::to_string(parent) +
         " 1 1 0 -1 4194560 100 0 0 0 " + std::to_string(utime) + " " + std::to_string(stime) +
         " " + std::to_string(cutime) + " " + std::to_string(cstime) + " 20 0 1 0 100 1000 10\n";
}

TEST(ProcCpuTest, ParsesStatEvenWithSpacesAndParensInTheName) {
  const auto stat = parse_proc_stat(stat_line(42, "pscgi: worker (2)", 7, 11, 22, 33, 44));
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->parent, 7);
  EXPECT_EQ(stat->utime, 11u);
  EXPECT_EQ(stat->stime, 22u);
  EXPECT_EQ(stat->cutime, 33u);
  EXPECT_EQ(stat->cstime, 44u);
  EXPECT_EQ(stat->total(), 110u);
  EXPECT_FALSE(parse_proc_stat("42 (x) S 1 2 3"));
  EXPECT_FALSE(parse_proc_stat("garbage"));
}

TEST(ProcCpuTest, ParsesPidLists) {
  EXPECT_EQ(parse_pid_list("12 34\n56 "), (std::vector<pid_t>{12, 34, 56}));
  EXPECT_TRUE(parse_pid_list("").empty());
}

// A fake /proc in a temp dir: master 100 with workers 101 (with its own child 103) and 102;
// 200 is unrelated.
class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("pscgi_fake_proc_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    add(100, 1, 10, 5, 300, 100);  // the master: reaped workers' CPU in cutime/cstime
    add(101, 100, 50, 20, 0, 0);
    add(102, 100, 40, 10, 0, 0);
    add(103, 101, 1, 1, 0, 0);
    add(200, 1, 999, 999, 0, 0);
  }
  void TearDown() override { fs::remove_all(root_); }

  void add(pid_t pid, pid_t parent, int utime, int stime, int cutime, int cstime) {
    fs::create_directories(root_ / std::to_string(pid) / "task" / std::to_string(pid));
    std::ofstream(root_ / std::to_string(pid) / "stat")
        << stat_line(pid, "p", parent, utime, stime, cutime, cstime);
  }
  void add_children_files() {
    write_children(100, "101 102 ");
    write_children(101, "103 ");
    write_children(102, "");
    write_children(103, "");
    write_children(200, "");
  }
  void write_children(pid_t pid, const std::string& text) {
    std::ofstream(root_ / std::to_string(pid) / "task" / std::to_string(pid) / "children") << text;
  }

  fs::path root_;
};

TEST_F(FakeProc, SumsTheWholeTreeByScanningParentLinks) {
  const double tick = 1.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
  const TreeCpu cpu = sample_tree_cpu({100}, root_.string());
  EXPECT_EQ(cpu.processes, 4u);
  EXPECT_NEAR(cpu.seconds, (10 + 5 + 300 + 100 + 50 + 20 + 40 + 10 + 1 + 1) * tick, 1e-9);
}

TEST_F(FakeProc, UsesChildrenFilesWhenTheKernelHasThem) {
  add_children_files();
  // Parent links now disagree with the children files; the children files must win.
  add(102, 200, 40, 10, 0, 0);
  const double tick = 1.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
  const TreeCpu cpu = sample_tree_cpu({100}, root_.string());
  EXPECT_EQ(cpu.processes, 4u);
  EXPECT_NEAR(cpu.seconds, 537 * tick, 1e-9);
}

TEST_F(FakeProc, OverlappingAndMissingRootsAreCountedOnce) {
  const TreeCpu both = sample_tree_cpu({100, 101, 999}, root_.string());
  const TreeCpu one = sample_tree_cpu({100}, root_.string());
  EXPECT_EQ(both.processes, one.processes);
  EXPECT_DOUBLE_EQ(both.seconds, one.seconds);
  EXPECT_EQ(sample_tree_cpu({999}, root_.string()).processes, 0u);
}

TEST(ProcCpuTest, ParsesVoluntarySwitchesNotTheInvoluntaryOnes) {
  EXPECT_EQ(parse_voluntary_switches("Name:\tp\nnonvoluntary_ctxt_switches:\t7\n"), std::nullopt);
  EXPECT_EQ(parse_voluntary_switches("Name:\tp\nvoluntary_ctxt_switches:\t42\n"
                                     "nonvoluntary_ctxt_switches:\t7\n"),
            42u);
  EXPECT_EQ(parse_voluntary_switches("nonvoluntary_ctxt_switches:\t7\nvoluntary_ctxt_switches:\t3\n"),
            3u);
  EXPECT_EQ(parse_voluntary_switches("voluntary_ctxt_switches:\tmany\n"), std::nullopt);
}

TEST_F(FakeProc, SumsTheTreesWakeUpsFromStatusFiles) {
  const auto write_status = [this](pid_t pid, int voluntary) {
    std::ofstream(root_ / std::to_string(pid) / "status")
        << "Name:\tp\nvoluntary_ctxt_switches:\t" << voluntary
        << "\nnonvoluntary_ctxt_switches:\t1000\n";
  };
  write_status(100, 1);
  write_status(101, 20);
  write_status(102, 300);
  write_status(200, 4000);  // not in the tree; 103 has no status file and counts 0
  EXPECT_EQ(sample_tree_cpu({100}, root_.string()).voluntary_switches, 321u);
}

TEST(ProcCpuTest, SeesThisProcessBurnCpu) {
  const TreeCpu before = sample_tree_cpu({::getpid()});
  const OwnCpu own_before = own_cpu();
  volatile double sink = 0;
  for (int i = 0; i < 60000000; ++i) sink = sink + i * 0.5;
  const TreeCpu after = sample_tree_cpu({::getpid()});
  const OwnCpu own_after = own_cpu();
  EXPECT_GE(after.processes, 1u);
  EXPECT_GT(after.seconds, before.seconds);
  EXPECT_GT(own_after.user_seconds, own_before.user_seconds);
}

TEST(ProcCpuTest, ReadsPidFiles) {
  const auto path = fs::temp_directory_path() / ("pscgi_pid_" + std::to_string(::getpid()));
  std::ofstream(path) << "4242\n";
  EXPECT_EQ(read_pid_file(path.string()), (std::vector<pid_t>{4242}));
  std::ofstream(path) << "\n";
  EXPECT_THROW(read_pid_file(path.string()), std::runtime_error);
  fs::remove(path);
  EXPECT_THROW(read_pid_file(path.string()), std::runtime_error);
}

}  // namespace
}  // namespace pscgi::load
