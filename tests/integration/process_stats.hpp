#pragma once
// What a test measures of a running process from /proc (its memory and its descriptors), and a
// way to start the server under resource limits (`ulimit` in a wrapper that execs the binary, so
// the limits hold for the master and every worker it forks).

#include "harness.hpp"
#include "process_figures.hpp"  // open_descriptors, rss_kib

#include <cstdint>
#include <string>
#include <sys/types.h>

namespace pscgi::testing {

/// A `kB` field of /proc/PID/status (VmRSS, VmSize, …) in bytes; throws when it cannot be read.
std::uint64_t status_bytes(pid_t pid, const std::string& field);

/// Writes an executable `dir/name` that sets `ulimit_arguments` (e.g. "-n 256", "-v 786432") and
/// execs `binary` with its own arguments: pass it to Server as the binary. The wrapper exits 99
/// when the shell refuses the limit, so a test cannot run unlimited without noticing.
std::string limited_binary(const TempDir& dir, const std::string& name, const std::string& ulimit_arguments,
                           const std::string& binary = PSCGI_BINARY);

}  // namespace pscgi::testing
