#pragma once
// The seam between the master's logic and the operating system. Master only talks to the world
// through this interface, so its decisions (respawn, back off, kill, stop) are unit-tested with a
// fake, without forking (fmt's posix-mock is the model).

#include "pipeline/clock.hpp"

#include <optional>
#include <sys/types.h>
#include <vector>

namespace pscgi::process {

/// One child that has exited, with its raw wait status.
struct ChildExit {
  pid_t pid = 0;
  int status = 0;
};

class ProcessControl {
 public:
  virtual ~ProcessControl() = default;
  /// Starts a worker for this slot; returns its pid, or -1 when it could not (already logged).
  virtual pid_t spawn_worker(int slot) = 0;
  virtual void send_signal(pid_t pid, int signal) = 0;
  /// One exited child, or nullopt when no more have exited.
  virtual std::optional<ChildExit> reap_child() = 0;
  /// Waits until a signal arrives or `timeout` passes; returns the signals taken (maybe none).
  virtual std::vector<int> wait_for_signals(Clock::duration timeout) = 0;
  virtual Clock::time_point now() = 0;
};

}  // namespace pscgi::process
