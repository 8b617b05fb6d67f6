#pragma once
// Runs one program to completion the way a CGI request needs it: a clean environment, a working
// directory, `input` on its stdin, its stdout collected up to a cap, its stderr handed over line by
// line, all under one deadline. The worker is single-threaded, so one poll() loop serves the three
// pipes: writing stdin can never deadlock against a child blocked on a full stdout.
//
// The child leads a process group of its own. Whatever happens (it exits, times out, writes too
// much), the group is killed with SIGKILL before the child is reaped, so nothing it started outlives
// the request, and the child is always waited for: no zombie is left behind.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pscgi::apps::cgi {

struct ChildSpec {
  std::string program;                   ///< absolute path; argv is just this path
  std::string working_dir;
  std::vector<std::string> environment;  ///< "NAME=value", the whole environment
  std::string_view input;                ///< written to stdin, which is then closed
  std::chrono::milliseconds timeout{30000};
  std::uint64_t max_output = 16 * 1024 * 1024;
  /// Called with each stderr line (without its newline), at most `max_stderr_line` bytes each.
  std::function<void(std::string_view line)> on_stderr_line;
};

enum class ChildOutcome {
  exited,             ///< ran to its end: see wait_status
  spawn_failed,       ///< could not be started (error: the errno)
  timed_out,          ///< still running at the deadline: killed
  output_too_large,   ///< wrote more than max_output to stdout: killed
  io_failed,          ///< a pipe or poll failed (error: the errno): killed
};

std::string_view to_string(ChildOutcome outcome) noexcept;

struct ChildResult {
  ChildOutcome outcome = ChildOutcome::exited;
  int wait_status = 0;  ///< as from waitpid, when outcome is exited
  int error = 0;        ///< errno, for spawn_failed and io_failed
  std::string output;   ///< stdout; for output_too_large, the first max_output bytes
};

/// A stderr line longer than this is cut into pieces of this size.
inline constexpr std::size_t max_stderr_line = 4096;
/// At most this many stderr bytes per run reach on_stderr_line; the rest is read and dropped.
inline constexpr std::size_t max_stderr_bytes = 64 * 1024;

/// Runs the program and waits for it (and its process group) to be done. Never throws for what the
/// child does; throws std::system_error only when pipes cannot be made at all.
ChildResult run_child(const ChildSpec& spec);

}  // namespace pscgi::apps::cgi
