#include "process/master.hpp"

#include "process/exit_codes.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <sys/wait.h>

namespace pscgi::process {
namespace {

constexpr Clock::duration idle_wait = std::chrono::seconds(1);
constexpr Clock::duration first_backoff = std::chrono::milliseconds(100);

}  // namespace

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return fmt::format("was killed by signal {} ({}){}", WTERMSIG(status), strsignal(WTERMSIG(status)),
                       WCOREDUMP(status) ? ", core dumped" : "");
  }
  return fmt::format("changed state (wait status {:#x})", status);
}

Master::Master(MasterSettings settings, ProcessControl& os, MasterHooks hooks)
    : settings_(settings), os_(os), hooks_(std::move(hooks)) {}

int Master::run() {
  spdlog::info("master starting {} worker(s)", settings_.worker_count);
  while (turn()) {
  }
  spdlog::info("master exiting with status {}", exit_status_);
  return exit_status_;
}

bool Master::turn() {
  for (int signal : os_.wait_for_signals(next_wait())) dispatch_signal(signal);
  reap_children();
  kill_stuck_workers();
  maintain_worker_count();
  if (!announced_ready_ && !stopping_ && static_cast<int>(table_.size()) == settings_.worker_count) {
    announced_ready_ = true;
    if (hooks_.ready) hooks_.ready();
  }
  return !(stopping_ && table_.empty());
}

// The wait ends early for whatever the master must do next: a respawn after back-off, or the end
// of the graceful period.
Clock::duration Master::next_wait() const {
  const Clock::time_point now = os_.now();
  Clock::duration wait = idle_wait;
  if (stopping_ && !immediate_) wait = std::min(wait, stop_deadline_ - now);
  if (!stopping_ && static_cast<int>(table_.size()) < settings_.worker_count) wait = std::min(wait, respawn_not_before_ - now);
  return std::max(wait, Clock::duration::zero());
}

void Master::dispatch_signal(int signal) {
  switch (signal) {
    case SIGCHLD: break;  // reaping happens every turn
    case SIGTERM: handle_graceful_stop("SIGTERM"); break;
    case SIGINT: handle_graceful_stop("SIGINT"); break;
    case SIGQUIT: handle_immediate_stop("SIGQUIT"); break;
    case SIGUSR1:
      spdlog::info("SIGUSR1: reopening log files");
      if (hooks_.reopen_logs) hooks_.reopen_logs();
      signal_all(SIGUSR1);
      break;
    case SIGUSR2:
      spdlog::info("SIGUSR2: emptying every worker's cache");
      if (hooks_.invalidate_cache) hooks_.invalidate_cache();
      break;
    case SIGHUP: spdlog::warn("SIGHUP ignored: configuration reload is not supported yet; restart to apply changes"); break;
    default: break;
  }
}

void Master::handle_graceful_stop(const char* signal_name) {
  if (stopping_) {
    handle_immediate_stop(signal_name);
    return;
  }
  spdlog::info("{}: graceful stop; workers finish what they have within {} ms", signal_name,
               std::chrono::duration_cast<std::chrono::milliseconds>(settings_.graceful_timeout).count());
  stopping_ = true;
  stop_deadline_ = os_.now() + settings_.graceful_timeout;
  // Removing the socket path first makes new connects fail at once, so nginx can try another
  // upstream; connections already queued are still served by the workers.
  if (hooks_.stop_listening) hooks_.stop_listening();
  for (const WorkerRecord& worker : table_.all()) os_.send_signal(worker.pid, SIGTERM);
}

void Master::handle_immediate_stop(const char* signal_name) {
  spdlog::warn("{}: immediate stop; killing {} worker(s)", signal_name, table_.size());
  if (!stopping_ && hooks_.stop_listening) hooks_.stop_listening();
  stopping_ = true;
  immediate_ = true;
  for (WorkerRecord& worker : table_.all()) {
    if (worker.killed) continue;
    os_.send_signal(worker.pid, SIGKILL);
    worker.killed = true;
  }
}

// waitpid until nothing is left: one SIGCHLD may stand for many exits.
void Master::reap_children() {
  while (const auto exit = os_.reap_child()) {
    if (const auto worker = table_.remove(exit->pid)) record_exit(*worker, exit->status);
  }
}

void Master::record_exit(const WorkerRecord& worker, int status) {
  const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  const std::string how = describe_wait_status(status);
  if (clean) spdlog::info("worker {} (pid {}) {}", worker.slot, worker.pid, how);
  else if (worker.killed) spdlog::info("worker {} (pid {}) {} as asked", worker.slot, worker.pid, how);
  else spdlog::warn("worker {} (pid {}) {}", worker.slot, worker.pid, how);
  if (stopping_) return;

  if (WIFEXITED(status) && WEXITSTATUS(status) == worker_boot_failure) {
    spdlog::critical("worker {} could not start (see the lines above); stopping the server", worker.slot);
    exit_status_ = 1;
    handle_graceful_stop("worker boot failure");
    return;
  }
  const bool quick = os_.now() - worker.started_at < settings_.min_uptime;
  if (clean || !quick) {
    quick_failures_ = 0;
    return;
  }
  ++quick_failures_;
  const Clock::duration backoff = std::min<Clock::duration>(first_backoff * (1 << std::min(quick_failures_ - 1, 10)), settings_.max_backoff);
  respawn_not_before_ = os_.now() + backoff;
  spdlog::warn("workers keep failing right after start ({} in a row); waiting {} ms before starting another",
               quick_failures_, std::chrono::duration_cast<std::chrono::milliseconds>(backoff).count());
}

void Master::kill_stuck_workers() {
  if (!stopping_ || immediate_ || os_.now() < stop_deadline_) return;
  for (WorkerRecord& worker : table_.all()) {
    if (worker.killed) continue;
    spdlog::warn("worker {} (pid {}) did not finish within workers.graceful_timeout; killing it", worker.slot, worker.pid);
    os_.send_signal(worker.pid, SIGKILL);
    worker.killed = true;
  }
}

void Master::maintain_worker_count() {
  if (stopping_ || os_.now() < respawn_not_before_) return;
  for (int slot = 1; slot <= settings_.worker_count; ++slot) {
    if (table_.has_slot(slot)) continue;
    const pid_t pid = os_.spawn_worker(slot);
    if (pid < 0) {
      respawn_not_before_ = os_.now() + first_backoff;
      return;
    }
    table_.add({slot, pid, os_.now(), false});
    // Only one new worker per turn while failures are recent, so a crash loop cannot fork-bomb.
    if (quick_failures_ > 0) return;
  }
}

void Master::signal_all(int signal) {
  for (const WorkerRecord& worker : table_.all()) os_.send_signal(worker.pid, signal);
}

}  // namespace pscgi::process
