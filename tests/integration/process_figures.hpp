#pragma once
// What the hardening tests measure about a process from /proc: its resident memory, its open
// descriptors, and its children that exited without being reaped. Figures, not timings: each is
// one read of a file the kernel keeps.

#include <cstddef>
#include <string>
#include <sys/types.h>
#include <vector>

namespace pscgi::testing {

/// VmRSS of /proc/PID/status in KiB; 0 when the process is gone.
long rss_kib(pid_t pid);
/// How many entries /proc/PID/fd has; -1 when the process is gone.
int open_descriptors(pid_t pid);
/// The children of `parent` in state Z (exited, not yet reaped).
std::vector<pid_t> zombie_children(pid_t parent);
/// Of `pids`, those that are still pscgi processes (their title starts with "pscgi:"), e.g. workers
/// that outlived their master. A pid the kernel gave to an unrelated process since does not count.
std::vector<pid_t> pscgi_processes_among(const std::vector<pid_t>& pids);
/// Whether /proc/PID exists (a zombie does, until it is reaped).
bool in_proc(pid_t pid);
/// "12, 34" for failure messages.
std::string join_pids(const std::vector<pid_t>& pids);

}  // namespace pscgi::testing
