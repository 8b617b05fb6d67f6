#pragma once
// One chaos case through real nginx: a server with its workers, continuous load from HTTP clients,
// and the figures the case is judged by — requests sent and failed (with why), zombies, workers
// left behind after the stop, the master's descriptors before and after, and the workers'
// resident memory before the case and after the pool was recycled.

#include "harness.hpp"
#include "load_generator.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <sys/types.h>

namespace pscgi::testing {

/// How long each case disturbs the server: PSCGI_CHAOS_SECONDS, else 15 s (the issue says ~30 s;
/// CI runs the suite twice, so the default is half that; docs/reliability.md says which was run).
std::chrono::seconds chaos_duration();

/// The requests a case's clients send: target(n) is the n-th request's target, and
/// expected_status(target) what it must answer.
struct ChaosTraffic {
  std::function<std::string(long n)> target;
  std::function<int(const std::string& target)> expected_status = [](const std::string&) { return 200; };
};

/// What a case did and what came of it.
struct ChaosFigures {
  long sent = 0;
  long failed = 0;
  std::map<std::string, long> why;  ///< failures by reason ("502", "no answer", …)
  long master_fds_before = 0, master_fds_after = 0;
  long master_rss_before = 0, master_rss_after = 0;   ///< KiB
  long worker_rss_before = 0, worker_rss_after = 0;   ///< KiB, the mean over the pool
  long worker_rss_peak = 0;                           ///< KiB, the most any worker had during the case
  int zombies = 0;          ///< unreaped children of the master once the case settled
  int orphans = 0;          ///< workers still alive after the master exited
  int workers_seen = 0;     ///< distinct worker pids during the case
  bool recycled = false;     ///< a new generation of `workers` served after the final SIGHUP
  bool master_exited = false;
  std::string trouble;       ///< what went wrong while finishing, for the test's message
};

class ChaosRun {
 public:
  static constexpr int workers = 3;
  static constexpr int clients = 4;

  /// Starts the server (`config`, with {socket}) and nginx, waits for `workers` serving, takes the
  /// baseline figures and starts the clients.
  ChaosRun(std::string name, const std::string& config, ChaosTraffic traffic);
  ~ChaosRun();
  ChaosRun(const ChaosRun&) = delete;
  ChaosRun& operator=(const ChaosRun&) = delete;

  Server& server() noexcept { return *server_; }
  const Nginx& nginx() const noexcept { return *nginx_; }
  /// Calls `disturb(tick)` every `interval` for chaos_duration(), sampling the workers in between.
  void disturb_for(std::chrono::milliseconds interval, const std::function<void(int tick)>& disturb);
  /// The live workers and when the test first saw each (for picking one old enough to kill).
  std::map<pid_t, std::chrono::steady_clock::time_point> workers_first_seen() const;
  /// Stops the clients, recycles the pool with a SIGHUP, measures, stops the server and prints one
  /// line: "[ chaos    ] name | what | sent | failed (why) | …".
  ChaosFigures finish(const std::string& what);
  /// Every failure reason seen so far, and the first few failures in detail.
  std::string failure_report() const;

 private:
  void sample_workers();
  std::string check(const Reply& reply);
  long mean_worker_rss() const;
  void warm_up() const;

  std::string name_;
  ChaosTraffic traffic_;
  TempDir dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<Nginx> nginx_;
  std::unique_ptr<LoadGenerator> load_;
  std::atomic<long> issued_{0};
  mutable std::mutex mutex_;
  std::map<std::string, long> why_;
  std::map<pid_t, std::chrono::steady_clock::time_point> first_seen_;
  std::set<pid_t> every_worker_;
  ChaosFigures figures_;
};

/// "502×3, no answer×1" ("none" when empty).
std::string describe_reasons(const std::map<std::string, long>& why);

}  // namespace pscgi::testing
