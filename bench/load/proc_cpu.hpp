#pragma once
/// \file
/// CPU time of the server under test, read from /proc, and of pscgi-load itself (getrusage).
///
/// The server's figure is the sum, over every live process in the trees under the given PIDs
/// (master, workers, anything they forked), of utime + stime + cutime + cstime. A process's
/// cutime/cstime hold the CPU of the children it has reaped, which are no longer in the tree, so a
/// worker that exits during the run moves its time into its parent's figure instead of losing it;
/// nothing is counted twice. The difference between two samples is the CPU the server used between
/// them.

#include <sys/types.h>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pscgi::load {

/// Fields 4 and 14–17 of /proc/PID/stat, in clock ticks.
struct ProcStat {
  pid_t parent = 0;
  std::uint64_t utime = 0;
  std::uint64_t stime = 0;
  std::uint64_t cutime = 0;
  std::uint64_t cstime = 0;

  std::uint64_t total() const noexcept { return utime + stime + cutime + cstime; }
};

/// Parses the contents of /proc/PID/stat (the command name may hold spaces and parentheses).
std::optional<ProcStat> parse_proc_stat(std::string_view text);

/// voluntary_ctxt_switches of the contents of /proc/PID/status: how often the process went to sleep
/// waiting for something (each such sleep ends in one wake-up); nullopt when the line is missing.
std::optional<std::uint64_t> parse_voluntary_switches(std::string_view status_text);

/// Parses a whitespace-separated list of PIDs (/proc/PID/task/TID/children, a pid file).
std::vector<pid_t> parse_pid_list(std::string_view text);

struct TreeCpu {
  double seconds = 0;         ///< summed as described above
  std::size_t processes = 0;  ///< live processes found in the trees
  /// Voluntary context switches (sleeps, so wake-ups) of those processes' main threads, from
  /// /proc/PID/status. Unlike the CPU time, a reaped child's count is lost with it.
  std::uint64_t voluntary_switches = 0;
};

/// Samples the trees under `roots`. Children are found through /proc/PID/task/*/children; on
/// kernels without that file (CONFIG_PROC_CHILDREN off) every /proc/N/stat is scanned for parent
/// links. `proc_root` is "/proc" but for tests. Roots that do not exist are skipped.
TreeCpu sample_tree_cpu(const std::vector<pid_t>& roots, const std::string& proc_root = "/proc");

/// Reads the PIDs in a pid file; throws std::runtime_error when it cannot be read or holds none.
std::vector<pid_t> read_pid_file(const std::string& path);

struct OwnCpu {
  double user_seconds = 0;
  double system_seconds = 0;
};

/// This process's CPU so far, all threads.
OwnCpu own_cpu();

}  // namespace pscgi::load
