#include "exchange.hpp"

#include "response_check.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>
#include <cerrno>

namespace pscgi::load {
namespace {

ErrorKind connect_error_kind(int error) {
  switch (error) {
    case ECONNREFUSED:
    case ENOENT: return ErrorKind::connect_refused;
    case EAGAIN: return ErrorKind::connect_backlog_full;
    case ETIMEDOUT: return ErrorKind::timeout;
    default: return ErrorKind::connect_other;
  }
}

ErrorKind verdict_error_kind(ResponseVerdict verdict) {
  switch (verdict) {
    case ResponseVerdict::eof_before_response: return ErrorKind::eof_before_response;
    case ResponseVerdict::short_body: return ErrorKind::short_body;
    default: return ErrorKind::malformed;
  }
}

}  // namespace

Exchange::Exchange(boost::asio::io_context& context, const Target& target,
                   std::chrono::nanoseconds timeout, bool head_request, Done done)
    : context_(context),
      target_(target),
      timeout_(timeout),
      head_request_(head_request),
      done_(std::move(done)),
      socket_(context),
      timer_(context) {}

void Exchange::start(const std::string& request, Clock::time_point origin) {
  busy_ = true;
  connected_ = false;
  timed_out_ = false;
  request_ = &request;
  origin_ = origin;
  response_.clear();

  boost::system::error_code ec;
  socket_.open(target_.endpoint.protocol(), ec);
  if (!ec) socket_.non_blocking(true, ec);
  if (ec) return fail_soon(ErrorKind::connect_other);

  timer_.expires_after(timeout_);
  timer_.async_wait([this, seq = seq_](const boost::system::error_code& error) {
    if (error || seq != seq_) return;
    timed_out_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);  // the pending operation completes with operation_aborted
  });

  // connect() by hand rather than async_connect: a full unix listen queue answers EAGAIN, which
  // Asio would wait on as if it were EINPROGRESS and then report success on an unconnected socket.
  const auto* address = static_cast<const sockaddr*>(target_.endpoint.data());
  const auto length = static_cast<socklen_t>(target_.endpoint.size());
  if (::connect(socket_.native_handle(), address, length) == 0) {
    return on_connected(seq_);
  }
  if (errno != EINPROGRESS) return fail_soon(connect_error_kind(errno));
  socket_.async_wait(boost::asio::socket_base::wait_write,
                     [this, seq = seq_](const boost::system::error_code& error) {
                       if (seq != seq_) return;
                       if (error) return on_io_error(error);
                       int so_error = 0;
                       socklen_t size = sizeof so_error;
                       ::getsockopt(socket_.native_handle(), SOL_SOCKET, SO_ERROR, &so_error,
                                    &size);
                       if (so_error != 0) return finish({origin_, connect_error_kind(so_error)});
                       on_connected(seq);
                     });
}

void Exchange::abort() {
  if (!busy_) return;
  ExchangeResult result{origin_, std::nullopt};
  result.aborted = true;
  result.connected = connected_;
  result.bytes_received = response_.size();
  finish(result);
}

// A failure found inside start() is reported from the io_context, so a caller that starts the next
// exchange from `done` never recurses (a refused connect fails at once, again and again).
void Exchange::fail_soon(ErrorKind kind) {
  boost::asio::post(context_, [this, seq = seq_, kind] {
    if (seq == seq_) finish({origin_, kind});
  });
}

void Exchange::on_connected(std::uint64_t seq) {
  connected_ = true;
  boost::asio::async_write(socket_, boost::asio::buffer(*request_),
                           [this, seq](const boost::system::error_code& error, std::size_t) {
                             if (seq != seq_) return;
                             if (error) return on_io_error(error);
                             read_more(seq);
                           });
}

void Exchange::read_more(std::uint64_t seq) {
  socket_.async_read_some(boost::asio::buffer(buffer_),
                          [this, seq](const boost::system::error_code& error, std::size_t n) {
                            if (seq != seq_) return;
                            response_.append(buffer_.data(), n);
                            if (!error) return read_more(seq);
                            if (error != boost::asio::error::eof) return on_io_error(error);
                            const CheckedResponse checked =
                                check_response(response_, head_request_);
                            ExchangeResult result{origin_, std::nullopt, checked.status};
                            if (checked.verdict != ResponseVerdict::ok)
                              result.error = verdict_error_kind(checked.verdict);
                            finish(result);
                          });
}

void Exchange::on_io_error(const boost::system::error_code& ec) {
  ErrorKind kind = ErrorKind::io_other;
  if (timed_out_) {
    kind = ErrorKind::timeout;
  } else if (ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe) {
    kind = ErrorKind::reset;
  }
  finish({origin_, kind});
}

void Exchange::finish(ExchangeResult result) {
  ++seq_;
  busy_ = false;
  result.connected = result.connected || connected_;
  result.bytes_received = response_.size();
  boost::system::error_code ignored;
  timer_.cancel();
  socket_.close(ignored);
  done_(*this, result);
}

}  // namespace pscgi::load
