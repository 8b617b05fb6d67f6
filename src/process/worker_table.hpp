#pragma once
// The master's record of its workers (nginx's process table with explicit state, in small): which
// slot and generation each pid serves, what the master last read on its scoreboard slot, and what
// the master has asked of it.

#include "pipeline/clock.hpp"
#include "process/scoreboard.hpp"

#include <cstdint>
#include <optional>
#include <sys/types.h>
#include <vector>

namespace pscgi::process {

struct WorkerRecord {
  int slot = 0;
  pid_t pid = 0;
  std::uint32_t generation = 1;
  Clock::time_point started_at{};
  std::uint64_t request_budget = 0;  ///< as drawn by the master; 0 = no limit

  // What the scoreboard said at the last look.
  bool ready = false;  ///< has left `starting` at least once
  SlotSnapshot seen;
  Clock::time_point idle_since{};  ///< the adaptive pool's clock: last seen busy or answering

  // What the master did.
  int replaced_by = 0;   ///< due: the slot of the worker started to take its place
  int replaces = 0;      ///< the slot of the due worker this one takes the place of
  bool retiring = false;  ///< SIGTERM sent: it finishes what it has and leaves
  Clock::time_point retire_deadline{};  ///< SIGKILL after this
  bool killed = false;   ///< SIGKILL sent
  ExitReason exit_reason = ExitReason::none;  ///< why the master asked it to leave
};

class WorkerTable {
 public:
  void add(WorkerRecord record) { workers_.push_back(record); }
  /// Removes and returns the record of `pid`, or nullopt when it is not a worker of ours.
  std::optional<WorkerRecord> remove(pid_t pid);
  bool has_slot(int slot) const noexcept;
  WorkerRecord* find_slot(int slot) noexcept;
  /// The lowest slot number not in use.
  int first_free_slot() const noexcept;
  std::size_t size() const noexcept { return workers_.size(); }
  bool empty() const noexcept { return workers_.empty(); }
  std::vector<WorkerRecord>& all() noexcept { return workers_; }
  const std::vector<WorkerRecord>& all() const noexcept { return workers_; }

 private:
  std::vector<WorkerRecord> workers_;
};

}  // namespace pscgi::process
