#pragma once
/// \file
/// A run thread: one io_context, its own Stats, and a load shape (closed or open loop) on top.
/// The main thread makes one LoadRunner per --threads, runs each on its own std::thread, reads
/// their Progress while they run and their Stats once they have returned.

#include "exchange.hpp"
#include "request_set.hpp"
#include "stats.hpp"
#include "target.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>

namespace pscgi::load {

/// What all run threads share; read-only but for `tickets`.
struct RunPlan {
  const Target* target = nullptr;
  const RequestSet* requests = nullptr;
  bool head_request = false;
  bool in_order = false;  ///< --in-order: next_request() walks the set instead of sampling it
  std::chrono::nanoseconds timeout{std::chrono::seconds(5)};
  Clock::time_point start;                                ///< warmup begins
  Clock::time_point measure_start;                        ///< counting begins (start + warmup)
  Clock::time_point deadline = Clock::time_point::max();  ///< nothing is started at or after it
  /// With --requests: exchanges left to start in the measured window, shared by all threads.
  std::atomic<std::int64_t>* tickets = nullptr;
};

/// Counters the main thread reads while the run goes on (the progress line); warmup included.
struct Progress {
  std::atomic<std::uint64_t> responses{0};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> connected{0};  ///< exchanges that reached the server
};

class LoadRunner {
 public:
  LoadRunner(const RunPlan& plan, std::uint64_t seed);
  virtual ~LoadRunner() = default;
  LoadRunner(const LoadRunner&) = delete;
  LoadRunner& operator=(const LoadRunner&) = delete;

  /// Runs until the deadline, the last ticket, or stop(); call once, on the runner's own thread.
  void run();
  /// Ends the run early (Ctrl-C). Safe from any thread.
  void stop();

  const Stats& stats() const noexcept { return stats_; }
  const Progress& progress() const noexcept { return progress_; }
  /// When this runner's measured work ended: the deadline, the last completion, or the stop.
  Clock::time_point finished_at() const noexcept { return finished_at_; }

 protected:
  /// Starts the load; called from run() on the io_context.
  virtual void begin() = 0;
  /// Ends the load at `at`: stop starting exchanges and abort those in flight (count them with
  /// count_abandoned). Called at most once.
  virtual void halt(Clock::time_point at) = 0;

  /// Takes a ticket for an exchange with this origin; false when --requests are used up. Warmup
  /// exchanges need none.
  bool take_ticket(Clock::time_point origin);
  /// Counts a completed exchange, if its origin is in the measured window; an aborted one counts
  /// as abandoned.
  void record(const ExchangeResult& result, Clock::time_point completed);
  void count_unsent(Clock::time_point origin);
  /// No more work will come: cancels the deadline timer so run() can return.
  void all_done(Clock::time_point at);
  bool measured(Clock::time_point origin) const noexcept;
  /// The next request to send: sampled by weight, or with --in-order the next one in the set.
  const std::string& next_request();
  std::unique_ptr<Exchange> make_exchange(Exchange::Done done);

  const RunPlan& plan_;
  boost::asio::io_context context_;
  std::mt19937_64 random_;
  bool halted_ = false;

 private:
  std::size_t cursor_ = 0;  ///< --in-order: index of the next request
  void halt_once(Clock::time_point at);
  void count_abandoned(Clock::time_point origin);

  boost::asio::steady_timer deadline_timer_;
  Stats stats_;
  Progress progress_;
  Clock::time_point finished_at_;
};

/// C connections, each doing one exchange after another.
std::unique_ptr<LoadRunner> make_closed_loop(const RunPlan& plan, std::uint64_t seed,
                                             int connections);

/// Exchanges scheduled at plan.start + phase + k * interval, each on its own connection, at most
/// `max_in_flight` at once; a scheduled exchange waits for a free slot and its latency still counts
/// from its scheduled time, so a slow server cannot hide its backlog (no coordinated omission).
std::unique_ptr<LoadRunner> make_open_loop(const RunPlan& plan, std::uint64_t seed,
                                           std::chrono::duration<double, std::nano> interval,
                                           std::chrono::duration<double, std::nano> phase,
                                           int max_in_flight);

}  // namespace pscgi::load
