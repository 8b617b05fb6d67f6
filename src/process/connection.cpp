#include "process/connection.hpp"

#include "log/logging.hpp"

#include <spdlog/spdlog.h>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

// Error answers are the same bytes every time: build each once per process and share it, as the
// cache shares its responses.
const ResponsePtr& error_response(int status) {
  static const ResponsePtr bad_request = make_error_response(400);
  static const ResponsePtr timeout = make_error_response(408);
  static const ResponsePtr too_large = make_error_response(413);
  static const ResponsePtr header_too_large = make_error_response(431);
  static const ResponsePtr internal = make_error_response(500);
  switch (status) {
    case 400: return bad_request;
    case 408: return timeout;
    case 413: return too_large;
    case 431: return header_too_large;
    default: return internal;
  }
}

// After an early answer the peer may still be sending; reading what it sends (for a short while)
// before closing avoids the reset that nginx would report as a 502.
constexpr Clock::duration max_linger = std::chrono::seconds(5);

}  // namespace

Connection::Connection(ConnectionContext& context, int fd, Clock::time_point accepted_at, std::uint64_t serial)
    : context_(context), fd_(fd), serial_(serial), accepted_at_(accepted_at), parser_(context.limits) {}

Connection::~Connection() { close_socket(); }

Progress Connection::start() { return settle(read_request()); }

Progress Connection::resume() { return settle(read_request()); }

Progress Connection::expire() { return settle(respond_error(408, "the whole request did not arrive within limits.read_timeout")); }

// Waiting for the request is the common wait (the worker often accepts between nginx's connect and
// its write) and is left to the worker's own epoll set, which costs a system call or two; Asio is
// for the rare waits: slow writes and lingering closes.
Progress Connection::settle(Step step) {
  if (step == Step::done) return answered_ ? Progress::answered : Progress::silent;
  if (step == Step::wait_read && !lingering_ && !answered_) return Progress::waiting_for_request;
  continue_async(step);
  return Progress::in_asio;
}

Connection::Step Connection::read_request() {
  // One buffer per worker serves every read, in the fast path and in Asio alike: what is read goes
  // straight into the parser (or is discarded), so nothing is left in it between reads.
  char* const buffer = context_.scratch.get();
  for (;;) {
    const ssize_t n = ::recv(fd_, buffer, ConnectionContext::scratch_size, 0);
    if (n > 0) {
      received_anything_ = true;
      if (lingering_) {
        // Discarded: the answer is already out. A peer that keeps sending must not hold the worker.
        if (Clock::now() < linger_until_) continue;
        close_socket();
        return Step::done;
      }
      if (auto step = consume({buffer, static_cast<std::size_t>(n)})) return *step;
      continue;
    }
    if (n == 0) {
      if (lingering_ || !received_anything_) {
        close_socket();
        return Step::done;
      }
      parser_.finish_input();
      return respond_error(protocol::http_status(parser_.error()), parser_.error_detail());
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Step::wait_read;
    spdlog::debug("recv() failed from {}: {}", describe_peer(), std::strerror(errno));
    close_socket();
    return Step::done;
  }
}

std::optional<Connection::Step> Connection::consume(std::string_view bytes) {
  const std::size_t used = parser_.feed(bytes);
  switch (parser_.state()) {
    case protocol::ScgiParser::State::complete:
      if (used < bytes.size()) clean_end_ = false;
      return respond();
    case protocol::ScgiParser::State::failed:
      return respond_error(protocol::http_status(parser_.error()), parser_.error_detail());
    default:
      return std::nullopt;
  }
}

Connection::Step Connection::respond() {
  const Request request = parser_.take_request();
  Exchange exchange(request, accepted_at_);
  context_.pipeline.run(exchange);
  answered_ = true;
  outgoing_ = protocol::OutgoingResponse::answer_to(exchange);
  return write_response();
}

Connection::Step Connection::respond_error(int status, std::string_view reason) {
  spdlog::warn("rejected request from {}: {} (answered {})", describe_peer(), reason, status);
  log::write_access({{}, {}, {}, status, error_response(status)->wire().size(),
                     std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - accepted_at_), "-"});
  answered_ = true;
  // Only a peer that already closed its side has nothing left to send; otherwise drain before closing.
  clean_end_ = parser_.state() == protocol::ScgiParser::State::failed && parser_.error() == protocol::ScgiError::truncated;
  outgoing_ = protocol::OutgoingResponse(error_response(status), {});
  return write_response();
}

Connection::Step Connection::write_response() {
  while (!outgoing_.done()) {
    iovec parts[3];
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<std::size_t>(outgoing_.pending(parts));
    // One piece (no per-request headers) is the common case: send() spares the kernel the iovec.
    const ssize_t n = message.msg_iovlen == 1 ? ::send(fd_, parts[0].iov_base, parts[0].iov_len, MSG_NOSIGNAL)
                                              : ::sendmsg(fd_, &message, MSG_NOSIGNAL);
    if (n >= 0) {
      outgoing_.advance(static_cast<std::size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Step::wait_write;
    spdlog::debug("send() failed to {}: {}", describe_peer(), std::strerror(errno));
    close_socket();
    return Step::done;
  }
  return finish();
}

Connection::Step Connection::finish() {
  if (clean_end_) {
    close_socket();
    return Step::done;
  }
  return drain_and_close();
}

Connection::Step Connection::drain_and_close() {
  ::shutdown(fd_, SHUT_WR);
  lingering_ = true;
  linger_until_ = Clock::now() + std::min(max_linger, context_.read_timeout);
  return read_request();
}

void Connection::continue_async(Step step) {
  if (step == Step::done || fd_ < 0) {
    complete();
    return;
  }
  ensure_async_parts();
  const unsigned generation = ++wait_generation_;
  auto self = shared_from_this();
  if (step == Step::wait_read) {
    arm_deadline(lingering_ ? linger_until_ : accepted_at_ + context_.read_timeout);
    stream_->async_wait(boost::asio::posix::stream_descriptor::wait_read, [self, generation](auto error) {
      if (error || generation != self->wait_generation_ || self->fd_ < 0) return;
      self->continue_async(self->read_request());
    });
  } else {
    if (!writing_since_) writing_since_ = Clock::now();
    arm_deadline(*writing_since_ + context_.write_timeout);
    stream_->async_wait(boost::asio::posix::stream_descriptor::wait_write, [self, generation](auto error) {
      if (error || generation != self->wait_generation_ || self->fd_ < 0) return;
      self->continue_async(self->write_response());
    });
  }
}

void Connection::ensure_async_parts() {
  if (stream_) return;
  stream_.emplace(context_.io, fd_);
  deadline_.emplace(context_.io);
}

void Connection::arm_deadline(Clock::time_point when) {
  if (armed_deadline_ == when) return;
  armed_deadline_ = when;
  deadline_->expires_at(when);
  auto self = shared_from_this();
  deadline_->async_wait([self, when](auto error) {
    if (error || self->fd_ < 0 || self->armed_deadline_ != when) return;
    self->on_deadline();
  });
}

void Connection::on_deadline() {
  ++wait_generation_;  // whatever wait is pending is now stale
  if (lingering_) {
    close_socket();
  } else if (!answered_) {
    continue_async(respond_error(408, "the whole request did not arrive within limits.read_timeout"));
    return;
  } else {
    spdlog::warn("closing connection to {}: the response was not taken within limits.write_timeout", describe_peer());
    close_socket();
  }
  complete();
}

void Connection::complete() {
  if (completed_) return;
  completed_ = true;
  if (deadline_) deadline_->cancel();
  close_socket();
  if (context_.on_async_end) context_.on_async_end(*this, answered_ ? ConnectionEnd::answered : ConnectionEnd::silent);
}

void Connection::abort() noexcept {
  ++wait_generation_;
  close_socket();
  if (deadline_) deadline_->cancel();
}

void Connection::close_socket() noexcept {
  if (fd_ < 0) return;
  if (stream_) {
    boost::system::error_code ignored;
    stream_->close(ignored);  // deregisters from Asio's reactor and closes
  } else {
    ::close(fd_);
  }
  fd_ = -1;
}

std::string Connection::describe_peer() const {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (fd_ < 0 || ::getpeername(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "a closed peer";
  char text[INET6_ADDRSTRLEN] = "?";
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
    return fmt::format("{}:{}", text, ntohs(v4->sin_port));
  }
  if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
    return fmt::format("[{}]:{}", text, ntohs(v6->sin6_port));
  }
  ucred credentials{};
  socklen_t credentials_length = sizeof(credentials);
  if (::getsockopt(fd_, SOL_SOCKET, SO_PEERCRED, &credentials, &credentials_length) == 0) {
    return fmt::format("unix socket peer pid {}", credentials.pid);
  }
  return "a unix socket peer";
}

}  // namespace pscgi::process
