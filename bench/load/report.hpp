#pragma once
/// \file
/// What pscgi-load prints: the progress line while it runs, the human summary and the JSON
/// document at the end. Everything here formats numbers it is given; nothing measures.

#include "options.hpp"
#include "stats.hpp"

#include <nlohmann/json.hpp>

#include <sys/types.h>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace pscgi::load {

struct MachineInfo {
  unsigned cores = 0;
  std::string cpu_model;
  std::string kernel;
};

/// Cores online, the first "model name" of /proc/cpuinfo, and uname's release.
MachineInfo read_machine_info();
/// The first "model name" value in the text of /proc/cpuinfo, or "" when there is none.
std::string cpu_model_from_cpuinfo(std::string_view cpuinfo);

/// CPU used during the measured window.
struct CpuUse {
  bool server_measured = false;  ///< false without --server-pid(-file)
  std::vector<pid_t> server_pids;
  std::size_t server_processes = 0;  ///< found at the end of the window
  double server_seconds = 0;
  std::uint64_t server_voluntary_switches = 0;  ///< the servers' sleeps (wake-ups) in the window
  double client_user_seconds = 0;
  double client_system_seconds = 0;
};

struct Report {
  const Options* options = nullptr;
  std::size_t distinct_requests = 0;
  Stats stats;
  double window_seconds = 0;  ///< the measured window (warmup excluded)
  CpuUse cpu;
  MachineInfo machine;
};

/// The status line rewritten once a second on a terminal (no newline).
std::string progress_line(double elapsed_seconds, bool warming_up, std::uint64_t responses,
                          std::uint64_t errors, double recent_rps);

/// "123.4µs", "12.35ms", "1.235s": latencies in the summary.
std::string format_latency(std::uint64_t nanoseconds);

void print_summary(std::ostream& out, const Report& report);
nlohmann::ordered_json report_json(const Report& report);

}  // namespace pscgi::load
