#include "process/posix_process_control.hpp"

#include "log/logging.hpp"
#include "process/privileges.hpp"
#include "process/process_title.hpp"
#include "process/signals.hpp"
#include "process/exit_codes.hpp"
#include "process/worker.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pscgi::process {

PosixProcessControl::PosixProcessControl(Generations& generations, Scoreboard& scoreboard)
    : generations_(generations), scoreboard_(scoreboard) {}

PosixProcessControl::~PosixProcessControl() {
  for (const auto& [pid, fd] : pipe_to_worker_) ::close(fd);
}

pid_t PosixProcessControl::spawn_worker(const WorkerSpec& spec) {
  Generation* generation = generations_.find(spec.generation);
  if (generation == nullptr) {
    spdlog::error("cannot spawn worker {}: generation {} is gone", spec.slot, spec.generation);
    return -1;
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    spdlog::error("pipe2() failed while spawning worker {}: {}", spec.slot, std::strerror(errno));
    return -1;
  }
  log::flush_logs();  // nothing buffered may be written twice, once by each process
  const pid_t pid = ::fork();
  if (pid < 0) {
    spdlog::error("fork() failed while spawning worker {}: {}", spec.slot, std::strerror(errno));
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return -1;
  }
  if (pid == 0) {
    ::close(pipe_fds[1]);
    run_child(spec, *generation, pipe_fds[0]);
  }
  ::close(pipe_fds[0]);
  pipe_to_worker_[pid] = pipe_fds[1];
  return pid;
}

// In the child: drop what belongs to the master and to other generations, then make this
// process's own loggers, event loop and worker, and leave with _Exit so that no destructor of the
// master's objects (Generations', which would unlink the sockets, say) runs here.
void PosixProcessControl::run_child(const WorkerSpec& spec, Generation& generation, int master_pipe_read_end) {
  for (const auto& [pid, fd] : pipe_to_worker_) ::close(fd);  // else a sibling would keep our EOF away
  generations_.close_other_generations_sockets(spec.generation);
  set_process_title(fmt::format("pscgi: worker {} (gen {}) starting", spec.slot, spec.generation));
  // The user switch comes before the logs are opened, so that a worker opens them as it will
  // reopen them at USR1: a log file the worker user cannot write stops the server at once.
  try {
    if (const auto identity = worker_identity(generation.config)) drop_privileges(*identity);
    log::setup_logging(generation.config.log, "worker");
  } catch (const std::exception& e) {
    spdlog::critical("worker {} (gen {}) could not start: {}", spec.slot, spec.generation, e.what());
    log::flush_logs();
    std::_Exit(worker_boot_failure);
  }
  int status = 1;
  try {
    Worker worker({generation.config, generation.listeners, generation.pipeline, master_pipe_read_end, spec,
                   scoreboard_.writer(spec.slot), ::getppid()});
    try {
      generation.pipeline.on_worker_start({::getpid(), spec.slot});
    } catch (const std::exception& e) {
      spdlog::critical("worker {} (gen {}) could not start: {}", spec.slot, spec.generation, e.what());
      log::flush_logs();
      std::_Exit(worker_boot_failure);
    }
    status = worker.run();
  } catch (const std::exception& e) {
    spdlog::critical("worker {} (gen {}) failed: {}", spec.slot, spec.generation, e.what());
  }
  log::flush_logs();
  std::_Exit(status);
}

void PosixProcessControl::send_signal(pid_t pid, int signal) {
  if (::kill(pid, signal) != 0 && errno != ESRCH) {
    spdlog::error("kill({}, {}) failed: {}", pid, signal, std::strerror(errno));
  }
}

std::optional<ChildExit> PosixProcessControl::reap_child() {
  for (;;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      if (const auto it = pipe_to_worker_.find(pid); it != pipe_to_worker_.end()) {
        ::close(it->second);
        pipe_to_worker_.erase(it);
      }
      return ChildExit{pid, status};
    }
    if (pid < 0 && errno == EINTR) continue;
    return std::nullopt;  // 0: none exited; ECHILD: no children at all
  }
}

std::vector<int> PosixProcessControl::wait_for_signals(Clock::duration timeout) { return take_signals(timeout); }

}  // namespace pscgi::process
