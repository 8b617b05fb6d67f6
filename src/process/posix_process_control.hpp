#pragma once
// ProcessControl on the real operating system: fork, kill, waitpid, sigtimedwait.

#include "config/config.hpp"
#include "process/listener.hpp"
#include "process/process_control.hpp"

#include <pscgi/pipeline.hpp>

#include <map>

namespace pscgi::process {

class PosixProcessControl final : public ProcessControl {
 public:
  PosixProcessControl(const config::Config& config, const std::vector<Listener>& listeners, Pipeline& pipeline);
  ~PosixProcessControl() override;
  PosixProcessControl(const PosixProcessControl&) = delete;
  PosixProcessControl& operator=(const PosixProcessControl&) = delete;

  pid_t spawn_worker(int slot) override;
  void send_signal(pid_t pid, int signal) override;
  std::optional<ChildExit> reap_child() override;
  std::vector<int> wait_for_signals(Clock::duration timeout) override;
  Clock::time_point now() override { return Clock::now(); }

 private:
  [[noreturn]] void run_child(int slot, int master_pipe_read_end);

  const config::Config& config_;
  const std::vector<Listener>& listeners_;
  Pipeline& pipeline_;
  std::map<pid_t, int> pipe_to_worker_;  ///< write ends; a worker sees EOF when the master dies
};

}  // namespace pscgi::process
