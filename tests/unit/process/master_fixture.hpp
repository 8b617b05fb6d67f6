#pragma once
// The operating system and the workers as the master sees them, played by the test: time moves
// only when the master waits, signals arrive when the test queues them, children exit when the
// test says so, and a worker's scoreboard slot says what the test writes into it.

#include "process/master.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <deque>
#include <map>
#include <memory>
#include <stdexcept>
#include <sys/wait.h>

namespace pscgi::process {

inline int exited(int code) { return code << 8; }     // a wait status as waitpid reports it
inline int killed_by(int signal) { return signal; }

class FakeOs final : public ProcessControl {
 public:
  pid_t spawn_worker(const WorkerSpec& spec) override {
    if (fail_spawns > 0) {
      --fail_spawns;
      return -1;
    }
    const pid_t pid = next_pid++;
    spawned.push_back({spec.slot, pid, spec, clock});
    return pid;
  }
  void send_signal(pid_t pid, int signal) override { sent.push_back({pid, signal}); }
  std::optional<ChildExit> reap_child() override {
    if (exits.empty()) return std::nullopt;
    ChildExit e = exits.front();
    exits.pop_front();
    return e;
  }
  std::vector<int> wait_for_signals(Clock::duration timeout) override {
    waits.push_back(timeout);
    clock += timeout;
    std::vector<int> out(pending.begin(), pending.end());
    pending.clear();
    return out;
  }
  Clock::time_point now() override { return clock; }

  struct Spawn { int slot; pid_t pid; WorkerSpec spec; Clock::time_point at; };
  struct Sent { pid_t pid; int signal; };
  std::vector<Spawn> spawned;
  std::vector<Sent> sent;
  std::deque<ChildExit> exits;
  std::vector<int> pending;
  std::vector<Clock::duration> waits;
  Clock::time_point clock{};
  pid_t next_pid = 100;
  int fail_spawns = 0;

  int signals_to(pid_t pid, int signal) const {
    int n = 0;
    for (const Sent& s : sent) n += (s.pid == pid && s.signal == signal) ? 1 : 0;
    return n;
  }
};

struct MasterTest : ::testing::Test {
  FakeOs os;
  std::shared_ptr<Scoreboard> scoreboard = Scoreboard::create(64);
  int stop_listening_calls = 0;
  int invalidations = 0;
  MasterSettings settings = fixed_pool(3);

  static MasterSettings fixed_pool(int count) {
    MasterSettings s;
    s.initial_workers = count;
    s.min_workers = 1;
    s.max_workers = 4 * count;
    s.graceful_timeout = std::chrono::seconds(30);
    return s;
  }

  Master make(MasterHooks hooks = {}) {
    hooks.stop_listening = [this] { ++stop_listening_calls; };
    hooks.invalidate_cache = [this] { ++invalidations; };
    return Master(settings, os, *scoreboard, hooks, 42);
  }

  // What a worker does to its own slot, played by the test.
  SlotWriter slot_of(pid_t pid) {
    for (const auto& s : os.spawned) {
      if (s.pid == pid) return scoreboard->writer(s.slot);
    }
    throw std::logic_error("no such worker");
  }
  void make_ready(pid_t pid) { slot_of(pid).mark_ready(); }
  void make_all_ready(const Master& master) {
    for (const WorkerRecord& w : master.workers().all()) {
      if (scoreboard->read(w.slot).lifecycle == Lifecycle::starting) make_ready(w.pid);
    }
  }
  // The worker exits as asked (SIGTERM): the test reaps it.
  void exit_cleanly(pid_t pid) {
    os.exits.push_back({pid, exited(0)});
    os.pending.push_back(SIGCHLD);
  }
  std::vector<pid_t> pids_of_generation(const Master& master, std::uint32_t generation) const {
    std::vector<pid_t> pids;
    for (const WorkerRecord& w : master.workers().all()) {
      if (w.generation == generation) pids.push_back(w.pid);
    }
    return pids;
  }
  int count_retiring(const Master& master) const {
    return static_cast<int>(std::count_if(master.workers().all().begin(), master.workers().all().end(),
                                          [](const WorkerRecord& w) { return w.retiring; }));
  }
};

}  // namespace pscgi::process
