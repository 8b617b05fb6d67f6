#include "process/signals.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <pthread.h>
#include <thread>
#include <unistd.h>

namespace pscgi::process {
namespace {

// Blocking signals changes the test process: each test puts back the mask and SIGPIPE's
// disposition it found, after taking whatever it left pending.
class SignalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::pthread_sigmask(SIG_SETMASK, nullptr, &saved_mask_);
    saved_pipe_ = std::signal(SIGPIPE, SIG_DFL);
    std::signal(SIGPIPE, saved_pipe_);
  }
  void TearDown() override {
    take_signals(Clock::duration::zero());
    ::pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
    std::signal(SIGPIPE, saved_pipe_);
  }

  static bool blocked(int sig) {
    sigset_t now;
    ::pthread_sigmask(SIG_SETMASK, nullptr, &now);
    return sigismember(&now, sig) == 1;
  }

 private:
  sigset_t saved_mask_{};
  void (*saved_pipe_)(int) = SIG_DFL;
};

TEST_F(SignalsTest, TheServerSignalsAreTheOnesItActsOn) {
  const sigset_t set = server_signals();
  for (int sig : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD}) {
    EXPECT_EQ(sigismember(&set, sig), 1) << strsignal(sig);
  }
  for (int sig : {SIGPIPE, SIGALRM, SIGSEGV, SIGKILL}) EXPECT_EQ(sigismember(&set, sig), 0) << strsignal(sig);
}

TEST_F(SignalsTest, BlockingTakesTheServerSignalsAndIgnoresSigpipe) {
  block_server_signals();
  for (int sig : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD}) EXPECT_TRUE(blocked(sig)) << strsignal(sig);
  EXPECT_FALSE(blocked(SIGPIPE));
  const auto pipe_handler = std::signal(SIGPIPE, SIG_DFL);
  EXPECT_EQ(pipe_handler, SIG_IGN);
}

TEST_F(SignalsTest, NothingPendingTakesNothing) {
  block_server_signals();
  EXPECT_TRUE(take_signals(Clock::duration::zero()).empty());
}

// Whatever is pending is taken in one call; a second call finds nothing left.
TEST_F(SignalsTest, EveryPendingSignalIsTakenAtOnce) {
  block_server_signals();
  ::raise(SIGUSR1);
  ::raise(SIGHUP);
  std::vector<int> taken = take_signals(Clock::duration::zero());
  std::sort(taken.begin(), taken.end());
  std::vector<int> expected{SIGHUP, SIGUSR1};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(taken, expected);
  EXPECT_TRUE(take_signals(Clock::duration::zero()).empty());
}

// The master's wait ends when a signal comes, not at its timeout. The sending thread inherits the
// blocked mask, so the signal stays pending for the wait whenever it is sent.
TEST_F(SignalsTest, AWaitEndsWhenASignalArrives) {
  block_server_signals();
  std::thread sender([] { ::kill(::getpid(), SIGTERM); });
  const std::vector<int> taken = take_signals(std::chrono::seconds(30));
  sender.join();
  EXPECT_EQ(taken, std::vector<int>{SIGTERM});
}

}  // namespace
}  // namespace pscgi::process
