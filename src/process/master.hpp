#pragma once
// The master: one loop of four verbs — take signals, reap children, kill stuck workers, keep the
// pool at size (gunicorn's arbiter is the model). Everything it does to the world goes through
// ProcessControl and MasterHooks, so the logic is tested without forking.

#include "process/process_control.hpp"
#include "process/worker_table.hpp"

#include <functional>
#include <string>

namespace pscgi::process {

struct MasterSettings {
  int worker_count = 4;
  Clock::duration graceful_timeout = std::chrono::seconds(30);
  /// A worker that fails sooner than this after it started counts toward a crash loop.
  Clock::duration min_uptime = std::chrono::seconds(2);
  Clock::duration max_backoff = std::chrono::seconds(10);
};

/// What the master asks of the rest of the server at the moments that matter.
struct MasterHooks {
  std::function<void()> stop_listening;    ///< graceful stop: remove socket files, close listeners
  std::function<void()> invalidate_cache;  ///< SIGUSR2: every worker empties its cache
  std::function<void()> reopen_logs;       ///< SIGUSR1, before it is passed on to the workers
  std::function<void()> ready;             ///< the pool reached its size for the first time
};

class Master {
 public:
  Master(MasterSettings settings, ProcessControl& os, MasterHooks hooks = {});

  /// Runs until every worker has gone after a stop; returns the exit status of the server.
  int run();
  /// One turn of the loop (for tests): take signals (waiting at most until the next deadline),
  /// reap, kill stuck workers, keep the pool at size. Returns false when the master is done.
  bool turn();

  const WorkerTable& workers() const noexcept { return table_; }
  bool stopping() const noexcept { return stopping_; }

 private:
  void dispatch_signal(int signal);
  void handle_graceful_stop(const char* signal_name);
  void handle_immediate_stop(const char* signal_name);
  void reap_children();
  void record_exit(const WorkerRecord& worker, int status);
  void kill_stuck_workers();
  void maintain_worker_count();
  Clock::duration next_wait() const;
  void signal_all(int signal);

  MasterSettings settings_;
  ProcessControl& os_;
  MasterHooks hooks_;
  WorkerTable table_;
  bool stopping_ = false;
  bool immediate_ = false;
  int exit_status_ = 0;
  Clock::time_point stop_deadline_{};
  bool announced_ready_ = false;
  int quick_failures_ = 0;  ///< consecutive workers that failed right after starting
  Clock::time_point respawn_not_before_{};
};

/// "exited with status 3", "was killed by signal 9 (Killed)".
std::string describe_wait_status(int status);

}  // namespace pscgi::process
