#pragma once
// A master's worker processes as `ps` shows them, for integration tests: found by their parent pid
// in /proc/*/stat and described by their process titles, whose shape is part of the observable
// contract: `pscgi: worker {slot} (gen {g})` followed by nothing (serving), ` starting`, ` due` or
// ` retiring`; the master is `pscgi: master (gen {g})`.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace pscgi::testing {

/// What a worker's title says.
struct WorkerTitle {
  int slot = 0;
  int generation = 0;
  std::string state;  ///< "" (serving), "starting", "due" or "retiring"
};

/// Parses a worker title; nullopt when it is not one (e.g. a child forked a moment ago still has
/// its master's title).
std::optional<WorkerTitle> parse_worker_title(std::string_view title);
/// The generation in `pscgi: master (gen {g})`; nullopt when the title is not a master's.
std::optional<int> parse_master_generation(std::string_view title);

/// One child process of a master.
struct WorkerProcess {
  pid_t pid = 0;
  std::string title;                 ///< /proc/PID/cmdline up to its first NUL
  std::optional<WorkerTitle> worker; ///< the parsed title, if it is a worker's

  bool serving() const noexcept { return worker && worker->state.empty(); }
  /// Takes requests: serving, or due (a due worker serves until the master retires it).
  bool ready() const noexcept { return worker && (worker->state.empty() || worker->state == "due"); }
  bool retiring() const noexcept { return worker && worker->state == "retiring"; }
  bool of_generation(int generation) const noexcept { return worker && worker->generation == generation; }
};

/// The live children of `master` (zombies are left out: they have exited), in pid order.
std::vector<WorkerProcess> list_workers(pid_t master);
/// The title of any process ("" when it is gone).
std::string process_title(pid_t pid);
/// "pid 'title', ..." for failure messages.
std::string describe(const std::vector<WorkerProcess>& workers);

/// How many of `workers` satisfy `predicate`.
template <typename Predicate>
int count_workers(const std::vector<WorkerProcess>& workers, Predicate predicate) {
  int n = 0;
  for (const WorkerProcess& w : workers) n += predicate(w) ? 1 : 0;
  return n;
}

/// What wait_for_workers saw.
struct WorkersSeen {
  bool ok = false;                    ///< `done` held before the deadline
  std::vector<WorkerProcess> last;    ///< the list it held for (or the last one looked at)
};

/// Polls list_workers(master) until `done` holds for it, within `limit`.
WorkersSeen wait_for_workers(pid_t master, const std::function<bool(const std::vector<WorkerProcess>&)>& done,
                             std::chrono::milliseconds limit);
/// A predicate for wait_for_workers: exactly `n` children, every one a serving worker, of
/// `generation` when it is given (0: any).
std::function<bool(const std::vector<WorkerProcess>&)> exactly_serving(int n, int generation = 0);

}  // namespace pscgi::testing
