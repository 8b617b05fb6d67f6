#pragma once
/// \file
/// One load run, start to finish, on behalf of main(): threads, the measured window, CPU samples.

#include "options.hpp"
#include "report.hpp"
#include "request_set.hpp"
#include "target.hpp"

#include <sys/types.h>
#include <cstdint>
#include <vector>

namespace pscgi::load {

struct SessionOutcome {
  Report report;                ///< report.options points at the Options given to run_session
  std::uint64_t connected = 0;  ///< exchanges that reached the server, warmup included
};

/// Runs the load `options` describe against `target` and returns what was measured. Blocks SIGINT
/// and SIGTERM in the calling thread (so in every thread it starts) and takes them itself: the
/// first ends the run early, the second exits the process with status 130. `server_pids` may be
/// empty (no server CPU figure).
SessionOutcome run_session(const Options& options, const Target& target, const RequestSet& requests,
                           const std::vector<pid_t>& server_pids);

}  // namespace pscgi::load
