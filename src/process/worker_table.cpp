#include "process/worker_table.hpp"

#include <algorithm>

namespace pscgi::process {

std::optional<WorkerRecord> WorkerTable::remove(pid_t pid) {
  const auto it = std::find_if(workers_.begin(), workers_.end(), [pid](const WorkerRecord& w) { return w.pid == pid; });
  if (it == workers_.end()) return std::nullopt;
  WorkerRecord record = *it;
  workers_.erase(it);
  return record;
}

bool WorkerTable::has_slot(int slot) const noexcept {
  return std::any_of(workers_.begin(), workers_.end(), [slot](const WorkerRecord& w) { return w.slot == slot; });
}

WorkerRecord* WorkerTable::find_slot(int slot) noexcept {
  const auto it = std::find_if(workers_.begin(), workers_.end(), [slot](const WorkerRecord& w) { return w.slot == slot; });
  return it == workers_.end() ? nullptr : &*it;
}

int WorkerTable::first_free_slot() const noexcept {
  int slot = 1;
  while (has_slot(slot)) ++slot;
  return slot;
}

}  // namespace pscgi::process
