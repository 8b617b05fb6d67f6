#pragma once
// ProcessControl on the real operating system: fork, kill, waitpid, sigtimedwait. A worker is
// forked from the generation its spec names (config, pipeline, listening sockets).

#include "process/generations.hpp"
#include "process/process_control.hpp"
#include "process/scoreboard.hpp"

#include <map>

namespace pscgi::process {

class PosixProcessControl final : public ProcessControl {
 public:
  PosixProcessControl(Generations& generations, Scoreboard& scoreboard);
  ~PosixProcessControl() override;
  PosixProcessControl(const PosixProcessControl&) = delete;
  PosixProcessControl& operator=(const PosixProcessControl&) = delete;

  pid_t spawn_worker(const WorkerSpec& spec) override;
  void send_signal(pid_t pid, int signal) override;
  std::optional<ChildExit> reap_child() override;
  std::vector<int> wait_for_signals(Clock::duration timeout) override;
  Clock::time_point now() override { return Clock::now(); }

 private:
  [[noreturn]] void run_child(const WorkerSpec& spec, Generation& generation, int master_pipe_read_end);

  Generations& generations_;
  Scoreboard& scoreboard_;
  std::map<pid_t, int> pipe_to_worker_;  ///< write ends; a worker sees EOF when the master dies
};

}  // namespace pscgi::process
