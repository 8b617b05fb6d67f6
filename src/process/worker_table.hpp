#pragma once
// The master's record of its workers: which slot each pid serves, when it started, and whether it
// has been killed (nginx's process table with explicit state, in small).

#include "pipeline/clock.hpp"

#include <optional>
#include <sys/types.h>
#include <vector>

namespace pscgi::process {

struct WorkerRecord {
  int slot = 0;
  pid_t pid = 0;
  Clock::time_point started_at{};
  bool killed = false;  ///< SIGKILL sent
};

class WorkerTable {
 public:
  void add(WorkerRecord record) { workers_.push_back(record); }
  /// Removes and returns the record of `pid`, or nullopt when it is not a worker of ours.
  std::optional<WorkerRecord> remove(pid_t pid);
  bool has_slot(int slot) const noexcept;
  std::size_t size() const noexcept { return workers_.size(); }
  bool empty() const noexcept { return workers_.empty(); }
  std::vector<WorkerRecord>& all() noexcept { return workers_; }
  const std::vector<WorkerRecord>& all() const noexcept { return workers_; }

 private:
  std::vector<WorkerRecord> workers_;
};

}  // namespace pscgi::process
