// A run from the main thread's side: the load threads are started, watched and joined here, CPU
// is sampled when the measured window opens and closes, and the threads' Stats are merged into the
// Report.

#include "session.hpp"

#include "proc_cpu.hpp"
#include "runner.hpp"

#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <optional>
#include <thread>

namespace pscgi::load {
namespace {

std::vector<std::unique_ptr<LoadRunner>> make_runners(const Options& o, const RunPlan& plan) {
  std::vector<std::unique_ptr<LoadRunner>> runners;
  const int threads = o.threads;
  for (int i = 0; i < threads; ++i) {
    const std::uint64_t seed = o.seed + static_cast<std::uint64_t>(i);
    if (o.rate > 0) {
      // Thread i takes every threads-th slot of the global schedule, starting at slot i.
      const double interval_ns = 1e9 / o.rate;
      const int cap = std::max(1, o.max_in_flight / threads + (i < o.max_in_flight % threads));
      using Nanoseconds = std::chrono::duration<double, std::nano>;
      runners.push_back(make_open_loop(plan, seed, Nanoseconds(interval_ns * threads),
                                       Nanoseconds(interval_ns * i), cap));
    } else {
      const int connections = o.concurrency / threads + (i < o.concurrency % threads);
      if (connections > 0) runners.push_back(make_closed_loop(plan, seed, connections));
    }
  }
  return runners;
}

struct Sample {
  TreeCpu server;
  OwnCpu own;
};

Sample take_sample(const std::vector<pid_t>& pids) {
  return Sample{pids.empty() ? TreeCpu{} : sample_tree_cpu(pids), own_cpu()};
}

// The main thread's part of a run: wait, sample CPU when the measured window opens, show progress,
// and turn Ctrl-C into stop(). SIGINT and SIGTERM are blocked in every thread and taken here only.
class Conductor {
 public:
  Conductor(const RunPlan& plan, std::vector<std::unique_ptr<LoadRunner>>& runners,
            const std::vector<pid_t>& pids, bool show_progress)
      : plan_(plan), runners_(runners), pids_(pids), show_progress_(show_progress) {}

  /// Returns once every runner has returned; `finished` counts them.
  void watch(const std::atomic<std::size_t>& finished, const sigset_t& signals) {
    auto next_progress = plan_.start + std::chrono::seconds(1);
    while (true) {
      const auto now = Clock::now();
      if (!start_ && now >= plan_.measure_start) start_ = take_sample(pids_);
      if (finished.load() == runners_.size()) break;
      if (show_progress_ && now >= next_progress) {
        print_progress(now);
        next_progress += std::chrono::seconds(1);
      }
      auto wake = now + std::chrono::milliseconds(20);
      if (show_progress_) wake = std::min(wake, next_progress);
      if (!start_) wake = std::min(wake, plan_.measure_start);
      wait_for_signal(signals,
                      std::max(wake - now, Clock::duration(std::chrono::microseconds(100))));
    }
    if (shown_) std::cerr << "\r\x1b[K" << std::flush;
  }

  Sample start_sample(const Sample& end) const { return start_ ? *start_ : end; }

 private:
  void wait_for_signal(const sigset_t& signals, Clock::duration wait) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
    const timespec timeout{static_cast<time_t>(ns / 1000000000),
                           static_cast<long>(ns % 1000000000)};
    if (::sigtimedwait(&signals, nullptr, &timeout) <= 0) return;
    if (stopping_) std::_Exit(130);  // a second Ctrl-C: the user wants out now
    stopping_ = true;
    for (auto& runner : runners_) runner->stop();
  }

  void print_progress(Clock::time_point now) {
    std::uint64_t responses = 0, errors = 0;
    for (const auto& runner : runners_) {
      responses += runner->progress().responses.load(std::memory_order_relaxed);
      errors += runner->progress().errors.load(std::memory_order_relaxed);
    }
    const double elapsed = std::chrono::duration<double>(now - plan_.start).count();
    const double rps = static_cast<double>(responses - last_responses_);
    last_responses_ = responses;
    std::cerr << "\r" << progress_line(elapsed, now < plan_.measure_start, responses, errors, rps)
              << "\x1b[K" << std::flush;
    shown_ = true;
  }

  const RunPlan& plan_;
  std::vector<std::unique_ptr<LoadRunner>>& runners_;
  const std::vector<pid_t>& pids_;
  bool show_progress_;
  bool stopping_ = false;
  bool shown_ = false;
  std::uint64_t last_responses_ = 0;
  std::optional<Sample> start_;
};

}  // namespace

SessionOutcome run_session(const Options& o, const Target& target, const RequestSet& requests,
                           const std::vector<pid_t>& pids) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread exists, so all inherit it

  std::atomic<std::int64_t> tickets(o.requests ? static_cast<std::int64_t>(*o.requests) : 0);
  RunPlan plan;
  plan.target = &target;
  plan.requests = &requests;
  plan.head_request = o.method == "HEAD";
  plan.in_order = o.in_order;
  plan.timeout = o.timeout;
  plan.start = Clock::now();
  plan.measure_start = plan.start + o.warmup;
  if (o.duration) plan.deadline = plan.measure_start + *o.duration;
  if (o.requests) plan.tickets = &tickets;

  auto runners = make_runners(o, plan);
  Conductor conductor(plan, runners, pids, !o.quiet && ::isatty(STDERR_FILENO));
  std::atomic<std::size_t> finished(0);
  std::vector<std::thread> threads;
  for (auto& runner : runners) {
    threads.emplace_back([&finished, r = runner.get()] {
      r->run();
      finished.fetch_add(1);
    });
  }
  conductor.watch(finished, signals);
  for (auto& thread : threads) thread.join();
  const Sample end = take_sample(pids);
  const Sample start = conductor.start_sample(end);

  SessionOutcome outcome;
  Report& report = outcome.report;
  report.options = &o;
  report.distinct_requests = requests.size();
  auto window_end = plan.measure_start;
  for (const auto& runner : runners) {
    report.stats.merge(runner->stats());
    outcome.connected += runner->progress().connected.load();
    window_end = std::max(window_end, std::min(runner->finished_at(), plan.deadline));
  }
  report.window_seconds = std::chrono::duration<double>(window_end - plan.measure_start).count();
  report.cpu.server_measured = !pids.empty();
  report.cpu.server_pids = pids;
  report.cpu.server_processes = end.server.processes;
  report.cpu.server_seconds = std::max(0.0, end.server.seconds - start.server.seconds);
  // A worker that exits in the window takes its count with it: clamp rather than wrap.
  report.cpu.server_voluntary_switches =
      end.server.voluntary_switches > start.server.voluntary_switches
          ? end.server.voluntary_switches - start.server.voluntary_switches
          : 0;
  report.cpu.client_user_seconds = end.own.user_seconds - start.own.user_seconds;
  report.cpu.client_system_seconds = end.own.system_seconds - start.own.system_seconds;
  report.machine = read_machine_info();
  return outcome;
}

}  // namespace pscgi::load
