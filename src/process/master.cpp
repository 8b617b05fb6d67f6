// The master's loop, its signals and the exits of its workers. The decisions it takes from the
// scoreboard (recycling, the adaptive pool, the watchdog) are in master_pool.cpp.

#include "process/master.hpp"

#include "process/exit_codes.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <set>
#include <sys/wait.h>

namespace pscgi::process {
namespace {

// The scoreboard is read this often: due workers, the load and hung requests are noticed within it.
constexpr Clock::duration scoreboard_poll = std::chrono::milliseconds(100);
// While a worker is starting, the master looks more often: a handover (a replacement, a new
// generation) finishes as soon as the new worker is ready, not a whole poll later, so a due worker
// does not serve far past its budget under load.
constexpr Clock::duration handover_poll = std::chrono::milliseconds(10);
constexpr Clock::duration first_backoff = std::chrono::milliseconds(100);

long long to_ms(Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

}  // namespace

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return fmt::format("was killed by signal {} ({}){}", WTERMSIG(status), strsignal(WTERMSIG(status)),
                       WCOREDUMP(status) ? ", core dumped" : "");
  }
  return fmt::format("changed state (wait status {:#x})", status);
}

MasterSettings MasterSettings::from(const config::WorkerSettings& workers) {
  MasterSettings s;
  s.initial_workers = workers.initial_workers();
  s.min_workers = workers.min_workers();
  s.max_workers = workers.max_workers();
  s.adaptive = workers.adaptive();
  s.spare = workers.spare;
  s.spawn_interval = workers.spawn_interval;
  s.idle_timeout = workers.idle_timeout;
  s.max_requests = workers.max_requests;
  s.max_requests_jitter = workers.max_requests_jitter;
  s.max_lifetime = workers.max_lifetime;
  s.max_lifetime_jitter_percent = workers.max_lifetime_jitter;
  s.max_recycling = workers.max_recycling;
  s.timeout = workers.timeout;
  s.graceful_timeout = workers.graceful_timeout;
  return s;
}

Master::Master(MasterSettings settings, ProcessControl& os, Scoreboard& scoreboard, MasterHooks hooks, std::uint64_t seed)
    : settings_(settings), os_(os), scoreboard_(scoreboard), hooks_(std::move(hooks)), random_(seed),
      target_(settings.initial_workers) {
  settings_by_generation_[generation_] = settings_;
}

int Master::run() {
  spdlog::info("master starting {} worker(s){}", target_,
               settings_.adaptive ? fmt::format(" (adaptive pool, {} to {})", settings_.min_workers, settings_.max_workers) : "");
  while (turn()) {
  }
  spdlog::info("master exiting with status {}", exit_status_);
  return exit_status_;
}

bool Master::turn() {
  for (int signal : os_.wait_for_signals(next_wait())) dispatch_signal(signal);
  reap_children();
  scoreboard_.set_generation(generation_);  // for the metrics: a reload or a roll-back may have changed it
  observe_workers();
  kill_hung_workers();
  kill_overdue_retirees();
  if (!stopping_) {
    retire_previous_generations();
    recycle_due_workers();
    follow_load();
    maintain_worker_count();
    announce_ready_once();
  }
  return !(stopping_ && table_.empty());
}

// The wait ends early for whatever the master must do next: a look at the scoreboard, a respawn
// after back-off, the end of a graceful period.
Clock::duration Master::next_wait() const {
  const Clock::time_point now = os_.now();
  Clock::duration wait = scoreboard_poll;
  for (const WorkerRecord& worker : table_.all()) {
    if (!worker.ready && !worker.retiring && !worker.killed) wait = std::min(wait, handover_poll);
    if (worker.retiring && !worker.killed) wait = std::min(wait, worker.retire_deadline - now);
  }
  if (!stopping_ && active_count() < target_) wait = std::min(wait, respawn_not_before_ - now);
  return std::max(wait, Clock::duration::zero());
}

void Master::announce_ready_once() {
  if (announced_ready_) return;
  const auto ready = std::count_if(table_.all().begin(), table_.all().end(),
                                   [this](const WorkerRecord& w) { return is_active(w) && w.ready; });
  if (ready < target_) return;
  announced_ready_ = true;
  spdlog::info("{} worker(s) ready", ready);
  if (hooks_.ready) hooks_.ready();
}

void Master::dispatch_signal(int signal) {
  switch (signal) {
    case SIGCHLD: break;  // reaping happens every turn
    case SIGTERM: handle_graceful_stop("SIGTERM"); break;
    case SIGINT: handle_graceful_stop("SIGINT"); break;
    case SIGQUIT: handle_immediate_stop("SIGQUIT"); break;
    case SIGHUP: handle_reload(); break;
    case SIGTTIN: handle_more_workers(); break;
    case SIGTTOU: handle_fewer_workers(); break;
    case SIGUSR1:
      spdlog::info("SIGUSR1: reopening log files");
      if (hooks_.reopen_logs) hooks_.reopen_logs();
      signal_all(SIGUSR1);
      break;
    case SIGUSR2:
      spdlog::info("SIGUSR2: emptying every worker's cache");
      if (hooks_.invalidate_cache) hooks_.invalidate_cache();
      break;
    default: break;
  }
}

// The new generation is prepared (config read and checked, app built, sockets opened) before any
// worker is touched; if that fails nothing changes (nginx's ngx_reconfigure). Its workers start at
// once; the old generation is retired as they become ready (retire_previous_generations), so
// capacity never dips.
void Master::handle_reload() {
  if (stopping_) {
    spdlog::info("SIGHUP ignored: the server is stopping");
    return;
  }
  if (!hooks_.reload) {
    spdlog::warn("SIGHUP ignored: this server cannot reload");
    return;
  }
  const std::uint32_t next = last_generation_ + 1;
  const std::optional<MasterSettings> loaded = hooks_.reload(next);
  if (!loaded) return;  // the hook logged why
  const int carried = active_count();  // an adaptive pool keeps the size the load gave it
  last_generation_ = next;
  generation_ = next;
  settings_ = *loaded;
  settings_by_generation_[generation_] = settings_;
  target_ = settings_.adaptive ? std::clamp(carried, settings_.min_workers, settings_.max_workers) : settings_.initial_workers;
  quick_failures_ = 0;
  respawn_not_before_ = {};
}

void Master::handle_more_workers() {
  if (stopping_) return;
  if (target_ >= settings_.max_workers) {
    spdlog::info("SIGTTIN: pool already at workers.max ({})", settings_.max_workers);
    return;
  }
  ++target_;
  spdlog::info("SIGTTIN: pool grows to {} worker(s)", target_);
}

void Master::handle_fewer_workers() {
  if (stopping_) return;
  if (target_ <= settings_.min_workers) {
    spdlog::info("SIGTTOU: pool already at its floor ({})", settings_.min_workers);
    return;
  }
  --target_;
  spdlog::info("SIGTTOU: pool shrinks to {} worker(s)", target_);
}

void Master::handle_graceful_stop(const char* signal_name) {
  if (stopping_) {
    handle_immediate_stop(signal_name);
    return;
  }
  spdlog::info("{}: graceful stop; workers finish what they have within {} ms", signal_name, to_ms(settings_.graceful_timeout));
  stopping_ = true;
  // Removing the socket path first makes new connects fail at once, so nginx can try another
  // upstream; connections already queued are still served by the workers.
  if (hooks_.stop_listening) hooks_.stop_listening();
  for (WorkerRecord& worker : table_.all()) {
    if (!worker.retiring) retire(worker, ExitReason::stop);
  }
}

void Master::handle_immediate_stop(const char* signal_name) {
  spdlog::warn("{}: immediate stop; killing {} worker(s)", signal_name, table_.size());
  if (!stopping_ && hooks_.stop_listening) hooks_.stop_listening();
  stopping_ = true;
  immediate_ = true;
  for (WorkerRecord& worker : table_.all()) {
    if (!worker.killed) kill(worker, worker.exit_reason == ExitReason::none ? ExitReason::stop : worker.exit_reason);
  }
}

// waitpid until nothing is left: one SIGCHLD may stand for many exits.
void Master::reap_children() {
  bool any = false;
  while (const auto exit = os_.reap_child()) {
    if (const auto worker = table_.remove(exit->pid)) {
      record_exit(*worker, exit->status);
      any = true;
    }
  }
  if (any) release_gone_generations();
}

// Why a worker left is what the master asked of it; a worker that left unasked crashed (a worker
// never leaves on its own for a limit: it waits, `due`, for the master).
void Master::record_exit(const WorkerRecord& worker, int status) {
  const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  const ExitReason reason = worker.exit_reason != ExitReason::none ? worker.exit_reason : ExitReason::crash;
  const std::string line = fmt::format("worker {} (pid {}, gen {}) exited: {}; {}", worker.slot, worker.pid,
                                       worker.generation, exit_reason_name(reason), describe_wait_status(status));
  if (reason == ExitReason::crash || reason == ExitReason::timeout) spdlog::warn("{}", line);
  else spdlog::info("{}", line);
  scoreboard_.release(worker.slot, reason);

  // A replacement that died before taking over leaves its due worker to be tried again.
  if (worker.replaces != 0) {
    if (WorkerRecord* due = table_.find_slot(worker.replaces); due && due->replaced_by == worker.slot) due->replaced_by = 0;
  }
  if (worker.replaced_by != 0) {
    if (WorkerRecord* successor = table_.find_slot(worker.replaced_by); successor && successor->replaces == worker.slot) {
      successor->replaces = 0;
    }
  }
  if (stopping_) return;

  if (WIFEXITED(status) && WEXITSTATUS(status) == worker_boot_failure) {
    const bool older_alive = std::any_of(table_.all().begin(), table_.all().end(),
                                         [&](const WorkerRecord& w) { return w.generation < worker.generation; });
    if (worker.generation == generation_ && older_alive) {
      roll_back_generation(worker.generation);
      return;
    }
    spdlog::critical("worker {} could not start (see the lines above); stopping the server", worker.slot);
    exit_status_ = 1;
    handle_graceful_stop("worker boot failure");
    return;
  }
  if (reason == ExitReason::crash) note_quick_failure(worker, clean);
  else quick_failures_ = 0;
}

// The workers of a new configuration cannot start while those of the previous one still serve:
// keep the previous one, as if the reload had been refused.
void Master::roll_back_generation(std::uint32_t failed) {
  std::uint32_t previous = 0;
  for (const WorkerRecord& w : table_.all()) {
    if (w.generation < failed && !w.retiring) previous = std::max(previous, w.generation);
  }
  if (previous == 0) {
    for (const WorkerRecord& w : table_.all()) {
      if (w.generation < failed) previous = std::max(previous, w.generation);
    }
  }
  spdlog::critical("SIGHUP: the workers of generation {} cannot start (see the lines above); keeping generation {}",
                   failed, previous);
  generation_ = previous;
  settings_ = settings_by_generation_[previous];
  for (WorkerRecord& w : table_.all()) {
    if (w.generation == failed && !w.retiring) retire(w, ExitReason::reload);
  }
  target_ = std::clamp(active_count(), settings_.min_workers, settings_.max_workers);
  if (!settings_.adaptive) target_ = std::max(target_, settings_.initial_workers);
  release_gone_generations();
}

void Master::note_quick_failure(const WorkerRecord& worker, bool clean) {
  const bool quick = os_.now() - worker.started_at < settings_.min_uptime;
  if (clean || !quick) {
    quick_failures_ = 0;
    return;
  }
  ++quick_failures_;
  const Clock::duration backoff =
      std::min<Clock::duration>(first_backoff * (1 << std::min(quick_failures_ - 1, 10)), settings_.max_backoff);
  respawn_not_before_ = os_.now() + backoff;
  spdlog::warn("workers keep failing right after start ({} in a row); waiting {} ms before starting another",
               quick_failures_, to_ms(backoff));
}

// A generation whose last worker has gone (and that is not the current one) gives back its
// pipeline and the sockets only it used.
void Master::release_gone_generations() {
  std::set<std::uint32_t> alive{generation_};
  for (const WorkerRecord& w : table_.all()) alive.insert(w.generation);
  for (auto it = settings_by_generation_.begin(); it != settings_by_generation_.end();) {
    if (alive.count(it->first) != 0) {
      ++it;
      continue;
    }
    if (hooks_.generation_gone) hooks_.generation_gone(it->first);
    it = settings_by_generation_.erase(it);
  }
}

void Master::signal_all(int signal) {
  for (const WorkerRecord& worker : table_.all()) os_.send_signal(worker.pid, signal);
}

}  // namespace pscgi::process
