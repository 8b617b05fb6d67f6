#pragma once
// Starting a CGI child: its three pipes, and posix_spawn with everything the child must not
// inherit from a pscgi worker taken away.

#include "apps/cgi/child_process.hpp"
#include "apps/cgi/unique_fd.hpp"

#include <sys/types.h>

namespace pscgi::apps::cgi {

/// The parent's ends (non-blocking, close-on-exec) and the child's ends (blocking) of the pipes
/// for stdin, stdout and stderr. The child's ends are closed once the child has them.
struct ChildPipes {
  UniqueFd input;          ///< we write the request body here
  UniqueFd output;         ///< we read stdout here
  UniqueFd errors;         ///< we read stderr here
  UniqueFd child_input;
  UniqueFd child_output;
  UniqueFd child_errors;
};

/// Makes the three pipes. Throws std::system_error when the process is out of descriptors.
ChildPipes make_child_pipes();

struct SpawnResult {
  pid_t pid = -1;
  int error = 0;  ///< errno when it could not be started (ENOENT, EACCES, ENOEXEC, ...)
};

/// Starts spec.program with the child ends of `pipes` as its stdin/stdout/stderr, in
/// spec.working_dir, with spec.environment and nothing else. The child leads a new process group,
/// has no signal blocked and every signal at its default action (a worker blocks and ignores
/// some), and inherits no other descriptor. Closes the child's ends in `pipes`.
SpawnResult spawn_child(const ChildSpec& spec, ChildPipes& pipes);

}  // namespace pscgi::apps::cgi
