#pragma once
// One client connection (nginx, over SCGI). The common case is finished without the event loop:
// nginx has usually sent the whole request by the time it is accepted, so the connection reads it
// at once, runs the pipeline, writes the answer and closes — the same system calls as the ideal
// responder. Only when a read or write would block does it hand itself to Asio, with deadlines.

#include "pipeline/clock.hpp"
#include "protocol/outgoing_response.hpp"
#include "protocol/scgi_parser.hpp"

#include <pscgi/exchange.hpp>
#include <pscgi/pipeline.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace pscgi::process {

/// How a connection ended, for the worker's request count.
enum class ConnectionEnd {
  answered,  ///< a response was sent (or attempted): counts toward max_requests
  silent,    ///< the peer closed before sending anything: does not count
};

/// Where a connection stands after the worker let it run as far as it could without waiting.
enum class Progress {
  answered,             ///< finished, with a response: counts toward max_requests
  silent,               ///< finished: the peer closed before sending anything
  waiting_for_request,  ///< the rest of the request has not arrived: the worker parks the socket in
                        ///< its wake set and calls resume() when it is readable, or expire() at
                        ///< read_deadline()
  in_asio,              ///< waiting in Asio (a slow write, a lingering close); on_async_end follows
};

/// What every connection of a worker shares.
class Connection;

struct ConnectionContext {
  boost::asio::io_context& io;
  Pipeline& pipeline;
  protocol::ParserLimits limits;
  Clock::duration read_timeout;
  Clock::duration write_timeout;
  /// Called once when an asynchronous connection ends (not for ones finished in start()).
  std::function<void(Connection&, ConnectionEnd)> on_async_end;
  /// Scratch space for the first read of every connection (one per worker). Left uninitialised:
  /// zeroing it would fault in all its pages in every new worker, and workers are replaced often.
  static constexpr std::size_t scratch_size = 64 * 1024;
  std::unique_ptr<char[]> scratch{new char[scratch_size]};
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  /// `serial` numbers the worker's connections; unlike the socket number it is never reused.
  Connection(ConnectionContext& context, int fd, Clock::time_point accepted_at, std::uint64_t serial);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Serves the connection as far as it can without waiting.
  Progress start();
  /// The parked socket is readable: goes on from where start() (or the last resume) stopped.
  Progress resume();
  /// The request did not arrive by read_deadline(): answers 408.
  Progress expire();
  /// When the whole request must have arrived (limits.read_timeout after accept).
  Clock::time_point read_deadline() const noexcept { return accepted_at_ + context_.read_timeout; }
  int fd() const noexcept { return fd_; }
  std::uint64_t serial() const noexcept { return serial_; }
  bool was_parked() const noexcept { return parked_before_; }
  void mark_parked() noexcept { parked_before_ = true; }
  /// Closes the socket at once (the worker is stopping immediately).
  void abort() noexcept;

 private:
  enum class Step { done, wait_read, wait_write };

  Step read_request();
  std::optional<Step> consume(std::string_view bytes);
  Step respond();
  Step respond_error(int status, std::string_view reason);
  Step write_response();
  Step finish();
  Step drain_and_close();

  Progress settle(Step step);
  void continue_async(Step step);
  void ensure_async_parts();
  void arm_deadline(Clock::time_point when);
  void on_deadline();
  void complete();
  void close_socket() noexcept;
  std::string describe_peer() const;

  ConnectionContext& context_;
  int fd_;
  std::uint64_t serial_;
  Clock::time_point accepted_at_;
  protocol::ScgiParser parser_;
  protocol::OutgoingResponse outgoing_;
  bool received_anything_ = false;
  bool answered_ = false;
  bool lingering_ = false;  ///< answered early: reading and discarding what the peer still sends
  bool clean_end_ = true;   ///< the whole request was read and nothing followed it
  std::optional<boost::asio::posix::stream_descriptor> stream_;
  std::optional<boost::asio::steady_timer> deadline_;
  Clock::time_point linger_until_{};
  std::optional<Clock::time_point> writing_since_;
  Clock::time_point armed_deadline_{};
  unsigned wait_generation_ = 0;  ///< a wait handler from an older generation is stale and does nothing
  bool completed_ = false;
  bool parked_before_ = false;  ///< already registered in the worker's wake set
};

}  // namespace pscgi::process
