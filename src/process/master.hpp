#pragma once
// The master: one loop of verbs — take signals, reap children, read the scoreboard, kill hung
// workers, retire the previous generation, recycle due workers, follow the load, keep the pool at
// size (gunicorn's arbiter and Apache prefork's idle-server maintenance are the models).
// Everything it does to the world goes through ProcessControl, the Scoreboard and MasterHooks, so
// the logic is tested without forking (tests/unit/process/master_test.cpp).

#include "config/config.hpp"
#include "process/process_control.hpp"
#include "process/scoreboard.hpp"
#include "process/worker_table.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>

namespace pscgi::process {

/// The master's share of `workers:` (config::WorkerSettings, in the master's terms).
struct MasterSettings {
  int initial_workers = 4;
  int min_workers = 1;   ///< TTOU's floor; the adaptive pool's floor
  int max_workers = 16;  ///< TTIN's ceiling; the adaptive pool's ceiling
  bool adaptive = false;
  int spare = 0;
  Clock::duration spawn_interval = std::chrono::milliseconds(200);
  Clock::duration idle_timeout = std::chrono::seconds(30);
  std::uint64_t max_requests = 0;  ///< 0 = no limit
  std::uint64_t max_requests_jitter = 0;
  Clock::duration max_lifetime = Clock::duration::zero();  ///< 0 = no limit
  int max_lifetime_jitter_percent = 0;
  int max_recycling = 1;
  Clock::duration timeout = Clock::duration::zero();  ///< hung-request watchdog; 0 = off
  Clock::duration graceful_timeout = std::chrono::seconds(30);
  /// A worker that fails sooner than this after it started counts toward a crash loop.
  Clock::duration min_uptime = std::chrono::seconds(2);
  Clock::duration max_backoff = std::chrono::seconds(10);

  static MasterSettings from(const config::WorkerSettings& workers);
};

/// What the master asks of the rest of the server at the moments that matter.
struct MasterHooks {
  std::function<void()> stop_listening;    ///< graceful stop: remove socket files, close listeners
  std::function<void()> invalidate_cache;  ///< SIGUSR2: every worker empties its cache
  std::function<void()> reopen_logs;       ///< SIGUSR1, before it is passed on to the workers
  std::function<void()> ready;             ///< the first pool is ready to serve
  /// SIGHUP: read the config again and prepare generation `generation` (pipeline, app, listeners)
  /// for the workers the master will start. nullopt: the new config is unusable (the hook has
  /// logged why); nothing changes.
  std::function<std::optional<MasterSettings>(std::uint32_t generation)> reload;
  /// No worker of `generation` is left and it is not the current one: its resources can go (old
  /// listeners closed, old pipeline destroyed).
  std::function<void(std::uint32_t generation)> generation_gone;
};

class Master {
 public:
  /// `seed` drives the budgets' jitter (tests pass a fixed one).
  Master(MasterSettings settings, ProcessControl& os, Scoreboard& scoreboard, MasterHooks hooks = {},
         std::uint64_t seed = std::random_device{}());

  /// Runs until every worker has gone after a stop; returns the exit status of the server.
  int run();
  /// One turn of the loop (for tests): take signals (waiting at most until the next deadline),
  /// reap, read the scoreboard, kill hung and overdue workers, manage the pool. Returns false when
  /// the master is done.
  bool turn();

  const WorkerTable& workers() const noexcept { return table_; }
  bool stopping() const noexcept { return stopping_; }
  std::uint32_t generation() const noexcept { return generation_; }
  /// How many workers of the current generation the pool aims at now.
  int target() const noexcept { return target_; }
  const MasterSettings& settings() const noexcept { return settings_; }

 private:
  // Signals.
  void dispatch_signal(int signal);
  void handle_reload();
  void handle_more_workers();
  void handle_fewer_workers();
  void handle_graceful_stop(const char* signal_name);
  void handle_immediate_stop(const char* signal_name);

  // Exits.
  void reap_children();
  void record_exit(const WorkerRecord& worker, int status);
  void roll_back_generation(std::uint32_t failed);
  void note_quick_failure(const WorkerRecord& worker, bool clean);
  void release_gone_generations();

  // The scoreboard and the decisions it feeds.
  void observe_workers();
  void kill_hung_workers();
  void kill_overdue_retirees();
  void retire_previous_generations();
  void recycle_due_workers();
  void follow_load();
  void maintain_worker_count();

  // Acting on workers.
  /// Starts a worker of the current generation in the lowest free slot; returns the slot, 0 on failure.
  int spawn(int replaces_slot = 0);
  void retire(WorkerRecord& worker, ExitReason reason);
  void kill(WorkerRecord& worker, ExitReason reason);
  WorkerRecord* pick_worker_to_retire();
  std::uint64_t draw_budget();
  Clock::duration draw_lifetime();
  int active_count() const noexcept;
  bool is_active(const WorkerRecord& worker) const noexcept;
  Clock::duration next_wait() const;
  void signal_all(int signal);
  void announce_ready_once();

  MasterSettings settings_;
  ProcessControl& os_;
  Scoreboard& scoreboard_;
  MasterHooks hooks_;
  WorkerTable table_;
  std::mt19937_64 random_;
  std::uint32_t generation_ = 1;
  std::uint32_t last_generation_ = 1;               ///< the newest ever prepared
  std::map<std::uint32_t, MasterSettings> settings_by_generation_;  ///< live generations
  int target_ = 0;
  bool stopping_ = false;
  bool immediate_ = false;
  int exit_status_ = 0;
  bool announced_ready_ = false;
  int quick_failures_ = 0;  ///< consecutive workers that failed right after starting
  Clock::time_point respawn_not_before_{};
  Clock::time_point last_growth_{};  ///< the adaptive pool's last added worker
};

/// "exited with status 3", "was killed by signal 9 (Killed)".
std::string describe_wait_status(int status);

}  // namespace pscgi::process
