#include "apps/cgi/child_process.hpp"

#include "unit/apps/cgi/cgi_test_support.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pscgi::apps::cgi {
namespace {

using namespace std::chrono_literals;
using testing::ScriptDir;

class ChildProcessTest : public ::testing::Test {
 protected:
  ScriptDir dir;

  ChildSpec spec_for(const std::string& program) const {
    ChildSpec spec;
    spec.program = program;
    spec.working_dir = dir.path();
    spec.environment = {"PATH=/usr/bin:/bin"};
    spec.timeout = 10s;
    return spec;
  }
};

int exit_code(const ChildResult& result) {
  EXPECT_EQ(result.outcome, ChildOutcome::exited) << to_string(result.outcome);
  return WIFEXITED(result.wait_status) ? WEXITSTATUS(result.wait_status) : -1;
}

TEST_F(ChildProcessTest, TheEnvironmentIsExactlyTheOneGiven) {
  ::setenv("PSCGI_CHILD_TEST_CANARY", "leaked", 1);
  ChildSpec spec = spec_for("/usr/bin/env");
  spec.environment = {"A=1", "B=two words"};
  const ChildResult result = run_child(spec);
  ::unsetenv("PSCGI_CHILD_TEST_CANARY");
  EXPECT_EQ(exit_code(result), 0);
  EXPECT_EQ(result.output, "A=1\nB=two words\n");
}

TEST_F(ChildProcessTest, StdinAndStdoutFlowTogetherWithoutDeadlock) {
  // Bigger than any pipe buffer both ways: the child blocks writing stdout unless we read it while
  // we are still writing its stdin.
  const std::string input(3 * 1024 * 1024, 'x');
  ChildSpec spec = spec_for(dir.script("cat.sh", "#!/bin/sh\nexec cat\n"));
  spec.input = input;
  const ChildResult result = run_child(spec);
  EXPECT_EQ(exit_code(result), 0);
  EXPECT_EQ(result.output.size(), input.size());
  EXPECT_EQ(result.output, input);
}

TEST_F(ChildProcessTest, AChildThatIgnoresItsInputIsFine) {
  ChildSpec spec = spec_for(dir.script("ignore.sh", "#!/bin/sh\necho done\n"));
  const std::string input(1024 * 1024, 'x');
  spec.input = input;
  const ChildResult result = run_child(spec);  // EPIPE on our side must not kill this process
  EXPECT_EQ(exit_code(result), 0);
  EXPECT_EQ(result.output, "done\n");
}

TEST_F(ChildProcessTest, RunsInTheWorkingDirectory) {
  ::mkdir(dir.file("sub").c_str(), 0755);
  ChildSpec spec = spec_for(dir.script("pwd.sh", "#!/bin/sh\npwd -P\n"));
  spec.working_dir = dir.file("sub");
  const ChildResult result = run_child(spec);
  EXPECT_EQ(exit_code(result), 0);
  char real[PATH_MAX];
  ASSERT_NE(::realpath(dir.file("sub").c_str(), real), nullptr);
  EXPECT_EQ(result.output, std::string(real) + "\n");
}

TEST_F(ChildProcessTest, ReportsTheExitStatus) {
  EXPECT_EQ(exit_code(run_child(spec_for(dir.script("three.sh", "#!/bin/sh\nexit 3\n")))), 3);
  const ChildResult killed = run_child(spec_for(dir.script("abort.sh", "#!/bin/sh\nkill -ABRT $$\n")));
  ASSERT_EQ(killed.outcome, ChildOutcome::exited);
  EXPECT_TRUE(WIFSIGNALED(killed.wait_status));
}

TEST_F(ChildProcessTest, StderrArrivesLineByLine) {
  ChildSpec spec = spec_for(dir.script("err.sh", "#!/bin/sh\necho one >&2\nprintf 'two\\nthree' >&2\necho out\n"));
  std::vector<std::string> lines;
  spec.on_stderr_line = [&](std::string_view line) { lines.emplace_back(line); };
  const ChildResult result = run_child(spec);
  EXPECT_EQ(exit_code(result), 0);
  EXPECT_EQ(result.output, "out\n");
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
}

TEST_F(ChildProcessTest, ATimeoutKillsTheWholeProcessGroup) {
  ChildSpec spec = spec_for(dir.script("hang.sh",
                                       "#!/bin/sh\n"
                                       "sleep 60 &\n"
                                       "echo $! > child.pid\n"
                                       "echo $$ > self.pid\n"
                                       "sleep 60\n"));
  spec.timeout = 500ms;
  const auto start = std::chrono::steady_clock::now();
  const ChildResult result = run_child(spec);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.outcome, ChildOutcome::timed_out);
  EXPECT_GE(took, 500ms);
  EXPECT_LT(took, 5s);
  const pid_t script = std::stoi(dir.read("self.pid"));
  const pid_t background = std::stoi(dir.read("child.pid"));
  EXPECT_TRUE(testing::process_gone(script)) << "the script was reaped";
  EXPECT_TRUE(testing::wait_process_gone(background)) << "the script's own child was killed too";
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1) << "no child of ours is left";
}

TEST_F(ChildProcessTest, ABackgroundJobDoesNotOutliveTheScript) {
  // The job holds stdout open; without killing the group at the script's exit the run would last
  // until the timeout.
  ChildSpec spec = spec_for(dir.script("bg.sh", "#!/bin/sh\nsleep 60 &\necho $! > child.pid\necho done\n"));
  spec.timeout = 5s;
  const auto start = std::chrono::steady_clock::now();
  const ChildResult result = run_child(spec);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(exit_code(result), 0);
  EXPECT_EQ(result.output, "done\n");
  EXPECT_TRUE(testing::wait_process_gone(std::stoi(dir.read("child.pid"))));
}

TEST_F(ChildProcessTest, OutputPastTheCapKillsTheChild) {
  ChildSpec spec = spec_for(dir.script("flood.sh", "#!/bin/sh\nexec yes flood\n"));
  spec.max_output = 100000;
  const ChildResult result = run_child(spec);
  EXPECT_EQ(result.outcome, ChildOutcome::output_too_large);
  EXPECT_EQ(result.output.size(), 100000u);
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
}

TEST_F(ChildProcessTest, StartFailuresAreReportedWithErrno) {
  const ChildResult missing = run_child(spec_for(dir.file("missing.sh")));
  EXPECT_EQ(missing.outcome, ChildOutcome::spawn_failed);
  EXPECT_EQ(missing.error, ENOENT);
  const ChildResult not_executable = run_child(spec_for(dir.script("plain.sh", "#!/bin/sh\n", 0644)));
  EXPECT_EQ(not_executable.outcome, ChildOutcome::spawn_failed);
  EXPECT_EQ(not_executable.error, EACCES);
  ChildSpec bad_dir = spec_for(dir.script("ok.sh", "#!/bin/sh\necho hi\n"));
  bad_dir.working_dir = dir.file("nowhere");
  EXPECT_EQ(run_child(bad_dir).outcome, ChildOutcome::spawn_failed);
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
}

TEST_F(ChildProcessTest, TheChildInheritsNoOtherDescriptor) {
  const int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaky, 3);
  const ChildResult result = run_child(spec_for(dir.script("fds.sh", "#!/bin/sh\nexec ls /proc/self/fd\n")));
  ::close(leaky);
  EXPECT_EQ(exit_code(result), 0);
  // ls itself holds the directory it lists open, as the first free descriptor: 3.
  EXPECT_EQ(result.output, "0\n1\n2\n3\n");
}

TEST_F(ChildProcessTest, TheChildHasNoSignalBlockedOrIgnored) {
  sigset_t block;
  sigset_t old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &block, &old);
  const auto old_hup = std::signal(SIGHUP, SIG_IGN);
  const ChildResult result =
      run_child(spec_for(dir.script("sig.sh", "#!/bin/sh\nexec grep -E '^Sig(Blk|Ign)' /proc/self/status\n")));
  std::signal(SIGHUP, old_hup);
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
  EXPECT_EQ(exit_code(result), 0);
  ASSERT_EQ(result.output.size(), 50u) << result.output;
  EXPECT_EQ(result.output.substr(0, 25), "SigBlk:\t0000000000000000\n");
  // Signals 32 and 33 (bits 31 and 32) are glibc's own (thread cancellation, setxid), which its
  // posix_spawn always leaves ignored; every standard signal (1-31) must be at its default.
  const unsigned long long ignored = std::stoull(result.output.substr(33, 16), nullptr, 16);
  EXPECT_EQ(ignored & 0x7fffffffULL, 0u) << result.output;
}

}  // namespace
}  // namespace pscgi::apps::cgi
