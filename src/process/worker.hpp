#pragma once
// A worker process: one thread, one Asio io_context, serving connections from the listening
// sockets it inherited until it is told to stop or loses its master. It writes what it does into
// its scoreboard slot; when it reaches one of its limits (requests, lifetime, RSS) it marks itself
// due there and keeps serving until the master, having started its replacement, sends SIGTERM.
// Created after fork; Worker::run returns the process exit status.

#include "config/config.hpp"
#include "process/connection.hpp"
#include "process/listener.hpp"
#include "process/log_throttle.hpp"
#include "process/parked_connections.hpp"
#include "process/process_control.hpp"
#include "process/scoreboard.hpp"
#include "process/wake_set.hpp"
#include "process/worker_limits.hpp"

#include <pscgi/pipeline.hpp>

#include <boost/asio/io_context.hpp>
#include <sys/types.h>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pscgi::process {

struct WorkerSetup {
  const config::Config& config;  ///< of the worker's generation
  const std::vector<Listener>& listeners;
  Pipeline& pipeline;
  int master_pipe_fd;  ///< read end; EOF means the master died
  WorkerSpec spec;     ///< slot, generation, request budget and lifetime drawn by the master
  SlotWriter scoreboard_slot;  ///< this worker's own slot
  pid_t master_pid;            ///< told (SIGCHLD) the moment this worker becomes due; 0: nobody to tell
};

class Worker {
 public:
  explicit Worker(const WorkerSetup& setup);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  /// Serves until done; returns the exit status (0 after a clean retirement or stop).
  int run();

 private:
  void wait_idle();
  void wait_in_asio();
  void handle_wake_events(const WakeSet::Event* events, std::size_t count);
  void accept_from(std::size_t listener_index);
  bool accept_one(std::size_t listener_index);
  void report_accept_failure(std::size_t listener_index, int error);
  void report_held_back(Clock::time_point now);
  /// Closes the parked connection that has waited longest (at least shed_grace) for its request;
  /// false when there is none.
  bool shed_oldest_parked();
  void serve(int fd);
  std::shared_ptr<Connection> open_connection(int fd);
  void keep_spare(std::shared_ptr<Connection> connection) noexcept;
  /// `in_wake_set`: the connection was parked before, so its socket is still in the wake set.
  void follow(std::shared_ptr<Connection> connection, Progress progress, bool in_wake_set);
  void park(const std::shared_ptr<Connection>& connection, bool in_wake_set);
  void resume_parked(int fd);
  void expire_parked(Clock::time_point now);
  std::size_t in_flight() const noexcept { return async_connections_.size() + parked_.size(); }
  void on_connection_end(Progress end);
  void publish_activity() noexcept;
  void become_ready();
  void tell_master_due() const noexcept;
  void check_limits(Clock::time_point now);
  void judge_limits(Clock::time_point now, std::uint64_t rss);
  /// `rss`: what was read, for the log line of max_rss.
  void become_due(ExitReason reason, std::uint64_t rss);
  std::string title(std::string_view state) const;
  void on_async_connection_end(Connection& connection, Progress end);
  void start_accepting();
  void pause_accepting();
  void resume_accepting();
  void abort_connections() noexcept;
  void read_master_pipe();
  void close_listeners() noexcept;
  void handle_signals();
  void begin_graceful_stop(const char* why);
  void stop_accepting();
  bool finished() const noexcept;
  int idle_timeout_ms() const;

  const config::Config& config_;
  const std::vector<Listener>& listeners_;
  std::vector<int> listen_fds_;  ///< this process's copies; -1 once closed at a graceful stop
  Pipeline& pipeline_;
  int master_pipe_fd_;
  pid_t master_pid_;
  int slot_;
  std::uint32_t generation_;
  int signal_fd_ = -1;
  SlotWriter scoreboard_;  ///< this worker's own slot
  WorkerLimits limits_;
  RssReader rss_;
  /// The end of the lifetime, which the waits must not sleep past (nothing else would wake an
  /// idle worker); max once the worker is due or retiring, when there is nothing more to notice.
  Clock::time_point lifetime_wake_;
  ExitReason due_ = ExitReason::none;  ///< the limit reached first, once reached
  Clock::time_point next_check_{};     ///< of the age and the RSS

  /// Before io_: the connections Asio still holds when io_ is destroyed leave the budget then.
  OutputBudget output_budget_;
  boost::asio::io_context io_;
  WakeSet wake_;
  boost::asio::posix::stream_descriptor wake_in_asio_;
  bool wake_armed_ = false;
  LogThrottle accept_failures_;  ///< the accept4() error line
  LogThrottle shed_reports_;     ///< the line for connections closed to free a descriptor
  int last_accept_error_ = 0;
  ConnectionContext connection_context_;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> async_connections_;
  ParkedConnections parked_;  ///< waiting for the rest of their request, watched by the wake set
  /// Finished connections kept for the next accepts (at most max_spare_connections; reserved).
  std::vector<std::shared_ptr<Connection>> spare_connections_;

  std::uint64_t answered_ = 0;
  std::uint64_t connections_accepted_ = 0;  ///< also each connection's serial number
  bool accepting_ = true;
  bool stopping_ = false;   ///< graceful: drain the accept queue, finish in-flight, exit
  bool immediate_ = false;  ///< exit now
  bool accept_paused_ = false;
  Clock::time_point accept_resume_at_{};
};

}  // namespace pscgi::process
