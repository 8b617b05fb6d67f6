#include "apps/cgi/child_spawn.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace pscgi::apps::cgi {
namespace {

// A descriptor at 3 or above. If a worker runs with 0, 1 or 2 closed, pipe2() may hand those out,
// and dup2(fd, fd) in the child would then keep close-on-exec set: the child would lose its stdin.
UniqueFd above_stdio(int fd) {
  if (fd >= 3) return UniqueFd(fd);
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  const int error = errno;
  ::close(fd);
  if (moved < 0) throw std::system_error(error, std::generic_category(), "fcntl(F_DUPFD_CLOEXEC) for a CGI pipe");
  return UniqueFd(moved);
}

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2() for a CGI child");
  // Each end is its own open file description, so O_NONBLOCK on ours leaves the child's blocking.
  return {above_stdio(fds[0]), above_stdio(fds[1])};
}

void set_nonblocking(const UniqueFd& fd) { ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK); }

// posix_spawn's two attribute objects, destroyed on every path.
struct SpawnAttributes {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attributes{};
  SpawnAttributes() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnAttributes() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
};

int prepare(SpawnAttributes& spawn, const ChildSpec& spec, const ChildPipes& pipes) {
  int error = 0;
  auto step = [&](int rc) {
    if (error == 0) error = rc;
  };
  step(posix_spawn_file_actions_adddup2(&spawn.actions, pipes.child_input.get(), STDIN_FILENO));
  step(posix_spawn_file_actions_adddup2(&spawn.actions, pipes.child_output.get(), STDOUT_FILENO));
  step(posix_spawn_file_actions_adddup2(&spawn.actions, pipes.child_errors.get(), STDERR_FILENO));
  step(posix_spawn_file_actions_addchdir_np(&spawn.actions, spec.working_dir.c_str()));
  // A worker's listening sockets, master pipe and log files are not the script's business, and
  // not all of them are close-on-exec.
  step(posix_spawn_file_actions_addclosefrom_np(&spawn.actions, 3));

  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  step(posix_spawnattr_setflags(&spawn.attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
  step(posix_spawnattr_setpgroup(&spawn.attributes, 0));  // its own group: a timeout kills it all
  step(posix_spawnattr_setsigmask(&spawn.attributes, &none));
  step(posix_spawnattr_setsigdefault(&spawn.attributes, &all));
  return error;
}

}  // namespace

ChildPipes make_child_pipes() {
  Pipe input = make_pipe();
  Pipe output = make_pipe();
  Pipe errors = make_pipe();
  ChildPipes pipes{std::move(input.write_end), std::move(output.read_end), std::move(errors.read_end),
                   std::move(input.read_end), std::move(output.write_end), std::move(errors.write_end)};
  set_nonblocking(pipes.input);
  set_nonblocking(pipes.output);
  set_nonblocking(pipes.errors);
  return pipes;
}

SpawnResult spawn_child(const ChildSpec& spec, ChildPipes& pipes) {
  SpawnResult result;
  SpawnAttributes spawn;
  result.error = prepare(spawn, spec, pipes);
  if (result.error == 0) {
    std::vector<char*> argv{const_cast<char*>(spec.program.c_str()), nullptr};
    std::vector<char*> envp;
    envp.reserve(spec.environment.size() + 1);
    for (const std::string& entry : spec.environment) envp.push_back(const_cast<char*>(entry.c_str()));
    envp.push_back(nullptr);
    // glibc's posix_spawn waits until the child has exec'd, so an exec failure (ENOENT, EACCES,
    // ENOEXEC, a failed chdir) comes back here as the return value, and the group exists on return.
    result.error = posix_spawn(&result.pid, spec.program.c_str(), &spawn.actions, &spawn.attributes, argv.data(), envp.data());
    if (result.error != 0) result.pid = -1;
  }
  pipes.child_input.reset();
  pipes.child_output.reset();
  pipes.child_errors.reset();
  return result;
}

}  // namespace pscgi::apps::cgi
