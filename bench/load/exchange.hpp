#pragma once
/// \file
/// One SCGI exchange as nginx does it: connect, write the request, read to EOF, close. An Exchange
/// object is a reusable slot: start() begins the next exchange once the previous one completed.

#include "stats.hpp"
#include "target.hpp"

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace pscgi::load {

using Clock = std::chrono::steady_clock;

struct ExchangeResult {
  Clock::time_point origin;        ///< as given to start(): latency is measured from here
  std::optional<ErrorKind> error;  ///< nullopt: a valid response with `status`
  int status = 0;
  std::size_t bytes_received = 0;
  bool connected = false;  ///< the connection was established (the server was reachable)
  bool aborted = false;    ///< ended by abort(), not by the server or a timeout
};

class Exchange {
 public:
  using Done = std::function<void(Exchange&, const ExchangeResult&)>;

  /// `done` is called once per start(), always from the io_context (never from inside start()).
  /// `context` and `target` must outlive the Exchange.
  Exchange(boost::asio::io_context& context, const Target& target, std::chrono::nanoseconds timeout,
           bool head_request, Done done);
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  /// Begins an exchange sending `request`, which must outlive it. Only when !busy().
  void start(const std::string& request, Clock::time_point origin);
  /// Ends the exchange in flight, if any, with an `aborted` result.
  void abort();
  bool busy() const noexcept { return busy_; }

 private:
  void fail_soon(ErrorKind kind);
  void on_connected(std::uint64_t seq);
  void read_more(std::uint64_t seq);
  void on_io_error(const boost::system::error_code& ec);
  void finish(ExchangeResult result);

  boost::asio::io_context& context_;
  const Target& target_;
  std::chrono::nanoseconds timeout_;
  bool head_request_;
  Done done_;
  boost::asio::generic::stream_protocol::socket socket_;
  boost::asio::steady_timer timer_;

  // Every handler carries the seq of the exchange it belongs to; finish() bumps it, so a handler
  // that completes late (a timer that fired as the response arrived) finds it stale and does
  // nothing.
  std::uint64_t seq_ = 0;
  bool busy_ = false;
  bool connected_ = false;
  bool timed_out_ = false;
  const std::string* request_ = nullptr;
  Clock::time_point origin_;
  std::string response_;
  std::array<char, 16384> buffer_;
};

}  // namespace pscgi::load
