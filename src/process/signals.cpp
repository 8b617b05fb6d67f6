#include "process/signals.hpp"

#include <cerrno>
#include <ctime>

namespace pscgi::process {

sigset_t server_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD, SIGTTIN, SIGTTOU}) sigaddset(&set, sig);
  return set;
}

void block_server_signals() {
  const sigset_t set = server_signals();
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

std::vector<int> take_signals(Clock::duration timeout) {
  const sigset_t set = server_signals();
  std::vector<int> taken;
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count();
  timespec wait{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  for (;;) {
    const int sig = ::sigtimedwait(&set, nullptr, &wait);
    if (sig > 0) {
      taken.push_back(sig);
      wait = {0, 0};  // collect whatever else is already pending, without waiting again
      continue;
    }
    if (errno == EINTR && taken.empty()) continue;
    return taken;  // EAGAIN: timed out or nothing more pending
  }
}

}  // namespace pscgi::process
