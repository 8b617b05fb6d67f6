#pragma once
// One client connection (nginx, over SCGI), as a small state machine in the manner of Varnish's
// cache_req_fsm.c: the connection stores the step it is at, each step is one function that does
// its work and names the next step, and a step that names itself is waiting for its socket.
//
//   reading ──▶ handling ──▶ writing ──▶ lingering
//      │                        │            │
//      └────────────────────────┴────────────┴──▶ closed
//
// The common case runs every step in one go without the event loop: nginx has usually sent the
// whole request by the time it is accepted, so the connection reads it at once, runs the
// pipeline, writes the answer and closes — the same system calls as the ideal responder. A
// connection waiting in `reading` is parked by the worker in its wake set; one waiting in
// `writing` or `lingering` goes to Asio, under a deadline.

#include "pipeline/clock.hpp"
#include "process/output_budget.hpp"
#include "protocol/outgoing_response.hpp"
#include "process/scoreboard.hpp"
#include "protocol/scgi_parser.hpp"

#include <pscgi/exchange.hpp>
#include <pscgi/pipeline.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace pscgi::process {

/// Where a connection stands after it ran as far as it could without waiting, or how it ended.
enum class Progress {
  answered,             ///< finished, with a response: counts toward max_requests
  silent,               ///< finished: the peer closed before sending anything; does not count
  waiting_for_request,  ///< the rest of the request has not arrived: the worker parks the socket in
                        ///< its wake set and calls resume() when it is readable, or expire() at
                        ///< read_deadline()
  in_asio,              ///< waiting in Asio (a slow write, a lingering close); on_async_end follows
};

class Connection;

/// What every connection of a worker shares.
struct ConnectionContext {
  boost::asio::io_context& io;
  Pipeline& pipeline;
  protocol::ParserLimits limits;
  Clock::duration read_timeout;
  Clock::duration write_timeout;
  /// Called once, with `answered` or `silent`, when a connection that went to Asio ends (not for
  /// ones that finished without waiting in it, nor for abort()).
  std::function<void(Connection&, Progress)> on_async_end;
  /// The worker's scoreboard slot, told when a request enters the pipeline (its method, URI and
  /// accept time: the watchdog's clock); null when no scoreboard watches (unit tests).
  SlotWriter* slot = nullptr;
  /// The bound on the bytes of answers waiting for slow peers (limits.max_pending_output), shared by
  /// every connection of the worker; null: no accounting (unit tests).
  OutputBudget* output_budget = nullptr;
  /// Scratch space for every read of every connection (one per worker). Left uninitialised:
  /// zeroing it would fault in all its pages in every new worker, and workers are replaced often.
  static constexpr std::size_t scratch_size = 64 * 1024;
  std::unique_ptr<char[]> scratch{new char[scratch_size]};
};

class Connection final : public std::enable_shared_from_this<Connection>, public StalledWriter {
 public:
  /// The steps of a connection's life, in order (docs/architecture.md has the table).
  enum class Step : std::uint8_t {
    reading,    ///< reading the request into the parser; waits for a readable socket (parked)
    handling,   ///< the pipeline answers the request, or an error answers a rejected or late one
    writing,    ///< sending the answer; waits for a writable socket (in Asio)
    lingering,  ///< answered while the peer may still be sending: reading and discarding its bytes
                ///< for a while after shutting our side, so closing sends no reset (in Asio)
    closed,     ///< the socket is closed; nothing more happens
  };

  /// `serial` numbers the worker's connections; unlike the socket number it is never reused.
  Connection(ConnectionContext& context, int fd, Clock::time_point accepted_at, std::uint64_t serial);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Serves the connection as far as it can without waiting.
  Progress start() { return proceed(); }
  /// The parked socket is readable: goes on from where start() (or the last resume) stopped.
  Progress resume() { return proceed(); }
  /// The request did not arrive by read_deadline(): answers 408.
  Progress expire();
  /// When the whole request must have arrived (limits.read_timeout after accept).
  Clock::time_point read_deadline() const noexcept { return accepted_at_ + context_.read_timeout; }
  int fd() const noexcept { return fd_; }
  std::uint64_t serial() const noexcept { return serial_; }
  Step step() const noexcept { return step_; }
  /// Closes the socket at once (the worker is stopping immediately); on_async_end is not called.
  void abort() noexcept;

  /// Whether reopen() may be called: closed, and never waited in Asio (whose handlers may still
  /// hold the connection, and whose objects are tied to the old socket).
  bool reusable() const noexcept { return step_ == Step::closed && !stream_; }
  /// Serves a newly accepted socket as if just constructed, keeping the parser's buffers. Only
  /// when reusable() and no one else holds the connection.
  void reopen(int fd, Clock::time_point accepted_at, std::uint64_t serial) noexcept;

  /// The worker is over limits.max_pending_output and this connection's peer went longest without
  /// taking a byte of its answer: closes it, with a warning.
  void shed(const Shedding& why) noexcept override;
  /// What the peer has taken of the answer being written (see StalledWriter::taken).
  std::int64_t taken() const noexcept override;
  bool drained() const noexcept override;

 private:
  Progress proceed();
  void advance();
  Step run_step();
  Step read();
  Step handle();
  void run_pipeline(const Request& request);
  Step answer_error(int status, std::string_view reason);
  void write_access_line(int status) noexcept;
  Step lack_of_memory() noexcept;
  Step write();
  void record_duration() noexcept;
  Step begin_lingering();
  Step linger();
  Step close() noexcept;
  void let_answer_go() noexcept;
  void close_socket() noexcept;
  Progress outcome() const noexcept;

  void wait_in_asio();
  /// wait_in_asio(), or, when Asio cannot get the memory for the wait, closes: false then.
  bool wait_or_close() noexcept;
  void continue_in_asio();
  void arm_deadline(Clock::time_point when);
  void on_deadline();
  std::string describe_peer() const;

  ConnectionContext& context_;
  int fd_;
  std::uint64_t serial_;
  Clock::time_point accepted_at_;
  Step step_ = Step::reading;
  /// What follows `writing`: `closed` when the peer has nothing more to send (the whole request
  /// was read and nothing followed it, or the peer already closed its side), else `lingering`.
  Step after_writing_ = Step::closed;
  std::size_t received_ = 0;  ///< bytes of request read; a peer that closes before any is silent
  protocol::ScgiParser parser_;
  protocol::OutgoingResponse outgoing_;  ///< holds a response from `handling` until closed
  bool answered_ = false;                ///< a response was made (outgoing_ lets it go at close)
  OutputBudget::Seat budget_seat_;       ///< held while a write waits for the peer
  Clock::time_point linger_until_{};
  std::optional<Clock::time_point> writing_since_;  ///< the first time a write would block

  // Only for the waits in Asio, created by the first one.
  std::optional<boost::asio::posix::stream_descriptor> stream_;
  std::optional<boost::asio::steady_timer> deadline_;
  Clock::time_point armed_deadline_{};
  unsigned wait_generation_ = 0;  ///< a wait handler from an older generation is stale and does nothing
};

}  // namespace pscgi::process
