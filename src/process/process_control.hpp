#pragma once
// The seam between the master's logic and the operating system. Master only talks to the world
// through this interface, so its decisions (respawn, back off, recycle, scale, kill, reload, stop)
// are unit-tested with a fake, without forking (fmt's posix-mock is the model).

#include "pipeline/clock.hpp"

#include <cstdint>
#include <optional>
#include <sys/types.h>
#include <vector>

namespace pscgi::process {

/// One child that has exited, with its raw wait status.
struct ChildExit {
  pid_t pid = 0;
  int status = 0;
};

/// What a new worker is given: its scoreboard slot, the configuration generation it runs, and the
/// limits the master drew for it (so that no two workers share a budget by chance).
struct WorkerSpec {
  int slot = 0;
  std::uint32_t generation = 1;
  std::uint64_t request_budget = 0;               ///< requests before it is due; 0 = no limit
  Clock::duration lifetime = Clock::duration::zero();  ///< age at which it is due; 0 = no limit
};

class ProcessControl {
 public:
  virtual ~ProcessControl() = default;
  /// Starts a worker; returns its pid, or -1 when it could not (already logged). The master has
  /// claimed the slot on the scoreboard before this call.
  virtual pid_t spawn_worker(const WorkerSpec& spec) = 0;
  virtual void send_signal(pid_t pid, int signal) = 0;
  /// One exited child, or nullopt when no more have exited.
  virtual std::optional<ChildExit> reap_child() = 0;
  /// Waits until a signal arrives or `timeout` passes; returns the signals taken (maybe none).
  virtual std::vector<int> wait_for_signals(Clock::duration timeout) = 0;
  virtual Clock::time_point now() = 0;
};

}  // namespace pscgi::process
