#include "process/connection.hpp"

#include "log/logging.hpp"

#include <spdlog/spdlog.h>

#include <arpa/inet.h>
#include <cerrno>
#include <new>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

// Error answers are the same bytes every time: build each once per process, at start-up, and share
// it, as the cache shares its responses. The 503 for a request that ran out of memory must not need
// memory itself.
const ResponsePtr bad_request = make_error_response(400);
const ResponsePtr timeout = make_error_response(408);
const ResponsePtr too_large = make_error_response(413);
const ResponsePtr header_too_large = make_error_response(431);
const ResponsePtr internal = make_error_response(500);
const ResponsePtr unavailable = make_error_response(503);

const ResponsePtr& error_response(int status) noexcept {
  switch (status) {
    case 400: return bad_request;
    case 408: return timeout;
    case 413: return too_large;
    case 431: return header_too_large;
    case 503: return unavailable;
    default: return internal;
  }
}

// After an early answer the peer may still be sending; reading what it sends (for a short while)
// before closing avoids the reset that nginx would report as a 502. Short, because a lingering
// socket still holds a descriptor: nginx has sent its whole request long before this runs out, and
// a peer that has not is one a worker out of descriptors must not wait for (docs/reliability.md,
// "Descriptor budget").
constexpr Clock::duration max_linger = std::chrono::seconds(1);

using Step = Connection::Step;

}  // namespace

Connection::Connection(ConnectionContext& context, int fd, Clock::time_point accepted_at, std::uint64_t serial)
    : context_(context), fd_(fd), serial_(serial), accepted_at_(accepted_at), parser_(context.limits) {}

// Every member but the parser (which keeps its buffers) and the Asio ones (never engaged: see
// reusable()) back to what the constructor gives.
void Connection::reopen(int fd, Clock::time_point accepted_at, std::uint64_t serial) noexcept {
  fd_ = fd;
  serial_ = serial;
  accepted_at_ = accepted_at;
  step_ = Step::reading;
  after_writing_ = Step::closed;
  received_ = 0;
  parser_.reset();
  outgoing_ = {};
  answered_ = false;
  linger_until_ = {};
  writing_since_.reset();
}

// Only the socket: a connection still held by an Asio handler is destroyed with the io_context,
// when its timer can no longer be touched.
Connection::~Connection() { close_socket(); }

// `handling` knows from the parser that the request neither completed nor failed: it is late.
Progress Connection::expire() {
  step_ = Step::handling;
  return proceed();
}

// Waiting for the request is the common wait (the worker often accepts between nginx's connect and
// its write) and is left to the worker's own epoll set, which costs a system call or two; Asio is
// for the rare waits: slow writes and lingering closes.
Progress Connection::proceed() {
  advance();
  switch (step_) {
    case Step::closed: return outcome();
    case Step::reading: return Progress::waiting_for_request;
    default: break;
  }
  if (!wait_or_close()) return outcome();
  return Progress::in_asio;
}

// Runs steps until one has to wait for its socket (it names itself) or the connection is closed.
// A step that runs out of memory costs this request only: see lack_of_memory().
void Connection::advance() {
  for (;;) {
    Step next;
    try {
      next = run_step();
    } catch (const std::bad_alloc&) {
      next = lack_of_memory();
    }
    if (next == step_) return;
    step_ = next;
  }
}

// An allocation failed while reading, parsing or answering the request (a body of hundreds of
// megabytes under an address-space limit, say). What the request holds is freed (its body most
// likely is what did not fit), and it gets the prebuilt 503 unless part of another answer has
// gone out already; the worker and its other connections go on.
Step Connection::lack_of_memory() noexcept {
  parser_.reset();
  const bool answer_begun = step_ != Step::reading && step_ != Step::handling;
  try {
    spdlog::error("out of memory serving a request from {} ({})", describe_peer(),
                  answer_begun ? "connection closed" : "answered 503");
  } catch (...) {
  }
  if (answer_begun) return close();
  write_access_line(503);
  after_writing_ = Step::lingering;  // the peer may be in the middle of its body
  outgoing_ = protocol::OutgoingResponse(error_response(503), {});
  return Step::writing;
}

// Asio allocates for a wait: when it cannot, the connection ends here rather than take the worker.
bool Connection::wait_or_close() noexcept {
  try {
    wait_in_asio();
    return true;
  } catch (const std::bad_alloc&) {
    ++wait_generation_;
    step_ = close();
    try {
      spdlog::error("out of memory while {} waited for its socket: connection closed", describe_peer());
    } catch (...) {
    }
    return false;
  }
}

Step Connection::run_step() {
  switch (step_) {
    case Step::reading: return read();
    case Step::handling: return handle();
    case Step::writing: return write();
    case Step::lingering: return linger();
    case Step::closed: break;
  }
  return Step::closed;
}

Step Connection::read() {
  // One buffer per worker serves every read, in the fast path and in Asio alike: what is read goes
  // straight into the parser (or is discarded), so nothing is left in it between reads.
  char* const buffer = context_.scratch.get();
  for (;;) {
    const ssize_t n = ::recv(fd_, buffer, ConnectionContext::scratch_size, 0);
    if (n > 0) {
      received_ += static_cast<std::size_t>(n);
      const std::size_t used = parser_.feed({buffer, static_cast<std::size_t>(n)});
      const auto state = parser_.state();
      if (state == protocol::ScgiParser::State::complete && used < static_cast<std::size_t>(n)) {
        after_writing_ = Step::lingering;  // more than the request came: the peer may send yet more
      }
      if (state == protocol::ScgiParser::State::complete || state == protocol::ScgiParser::State::failed) {
        return Step::handling;
      }
      continue;
    }
    if (n == 0) {
      if (received_ == 0) return close();
      parser_.finish_input();
      return Step::handling;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Step::reading;
    spdlog::debug("recv() failed from {}: {}", describe_peer(), std::strerror(errno));
    return close();
  }
}

Step Connection::handle() {
  switch (parser_.state()) {
    case protocol::ScgiParser::State::complete: {
      Request request = parser_.take_request();
      run_pipeline(request);
      parser_.recycle(std::move(request));  // nothing refers to it now: the answer holds no part of it
      return Step::writing;
    }
    case protocol::ScgiParser::State::failed:
      // Only a peer that already closed its side has nothing left to send.
      if (parser_.error() != protocol::ScgiError::truncated) after_writing_ = Step::lingering;
      return answer_error(protocol::http_status(parser_.error()), parser_.error_detail());
    default:
      after_writing_ = Step::lingering;
      return answer_error(408, "the whole request did not arrive within limits.read_timeout");
  }
}

void Connection::run_pipeline(const Request& request) {
  if (context_.slot != nullptr) context_.slot->begin_request(request.method(), request.uri(), accepted_at_);
  Exchange exchange(request, accepted_at_);
  context_.pipeline.run(exchange);
  outgoing_ = protocol::OutgoingResponse::answer_to(exchange);
}

Step Connection::answer_error(int status, std::string_view reason) {
  spdlog::warn("rejected request from {}: {} (answered {})", describe_peer(), reason, status);
  write_access_line(status);
  outgoing_ = protocol::OutgoingResponse(error_response(status), {});
  return Step::writing;
}

void Connection::write_access_line(int status) noexcept {
  try {
    log::write_access({{}, {}, {}, status, error_response(status)->wire_size(),
                       std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - accepted_at_), "-"});
  } catch (...) {
    // The access line is lost; the answer is not.
  }
}

Step Connection::write() {
  while (!outgoing_.done()) {
    iovec parts[3];
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<std::size_t>(outgoing_.pending(parts));
    // One piece (a bodiless answer, or the rest of a body) is common: send() spares the kernel the iovec.
    const ssize_t n = message.msg_iovlen == 1 ? ::send(fd_, parts[0].iov_base, parts[0].iov_len, MSG_NOSIGNAL)
                                              : ::sendmsg(fd_, &message, MSG_NOSIGNAL);
    if (n >= 0) {
      outgoing_.advance(static_cast<std::size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Step::writing;
    spdlog::debug("send() failed to {}: {}", describe_peer(), std::strerror(errno));
    record_duration();
    return close();
  }
  record_duration();
  return after_writing_ == Step::lingering ? begin_lingering() : close();
}

// Every answered request is timed once, when `writing` ends (its answer written, or given up on
// after a failed send or the write deadline), so the histogram counts what requests_total counts.
// The one clock read a request adds: the access log's comes before the write, and only when on.
void Connection::record_duration() noexcept {
  if (context_.slot != nullptr) context_.slot->record_duration(Clock::now() - accepted_at_);
}

Step Connection::begin_lingering() {
  let_answer_go();
  ::shutdown(fd_, SHUT_WR);
  linger_until_ = Clock::now() + std::min(max_linger, context_.read_timeout);
  return Step::lingering;
}

Step Connection::linger() {
  char* const buffer = context_.scratch.get();
  for (;;) {
    const ssize_t n = ::recv(fd_, buffer, ConnectionContext::scratch_size, 0);
    if (n > 0) {
      // Discarded: the answer is already out. A peer that keeps sending must not hold the worker.
      if (Clock::now() < linger_until_) continue;
      return close();
    }
    if (n == 0) return close();
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Step::lingering;
    spdlog::debug("recv() failed from {} while lingering: {}", describe_peer(), std::strerror(errno));
    return close();
  }
}

Step Connection::close() noexcept {
  let_answer_go();
  close_socket();
  if (deadline_) deadline_->cancel();
  return Step::closed;
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

// Once written (or given up on), the answer is not kept until the connection is reused or freed:
// a spare or lingering connection would otherwise pin a large page, and a shed one is meant to
// give its memory back.
void Connection::let_answer_go() noexcept {
  budget_seat_.release();
  if (outgoing_.response()) answered_ = true;
  outgoing_ = {};
}

Progress Connection::outcome() const noexcept { return answered_ ? Progress::answered : Progress::silent; }

void Connection::abort() noexcept {
  ++wait_generation_;
  step_ = close();
}

void Connection::wait_in_asio() {
  if (!stream_) {
    stream_.emplace(context_.io, fd_);
    deadline_.emplace(context_.io);
  }
  const unsigned generation = ++wait_generation_;
  auto self = shared_from_this();
  auto on_ready = [self, generation](auto error) {
    if (error || generation != self->wait_generation_ || self->step_ == Step::closed) return;
    self->advance();
    self->continue_in_asio();
  };
  if (step_ == Step::lingering) {
    arm_deadline(linger_until_);
    stream_->async_wait(boost::asio::posix::stream_descriptor::wait_read, std::move(on_ready));
  } else {
    if (!writing_since_) writing_since_ = Clock::now();
    arm_deadline(*writing_since_ + context_.write_timeout);
    budget_seat_.stalled(context_.output_budget, *this, outgoing_);
    stream_->async_wait(boost::asio::posix::stream_descriptor::wait_write, std::move(on_ready));
  }
}

void Connection::continue_in_asio() {
  if (step_ != Step::closed && wait_or_close()) return;
  if (context_.on_async_end) context_.on_async_end(*this, outcome());
}

void Connection::arm_deadline(Clock::time_point when) {
  if (armed_deadline_ == when) return;
  armed_deadline_ = when;
  deadline_->expires_at(when);
  auto self = shared_from_this();
  deadline_->async_wait([self, when](auto error) {
    if (error || self->step_ == Step::closed || self->armed_deadline_ != when) return;
    self->on_deadline();
  });
}

void Connection::on_deadline() {
  ++wait_generation_;  // whatever wait is pending is now stale
  if (step_ == Step::writing) {
    spdlog::warn("closing connection to {}: the response was not taken within limits.write_timeout", describe_peer());
    record_duration();
  }
  step_ = close();
  continue_in_asio();
}

// SIOCOUTQ: what is in the socket's send queue, not yet taken by the peer (unix: with the kernel's
// overhead; TCP: not yet acknowledged). A socket that cannot say counts as taking nothing.
std::int64_t Connection::taken() const noexcept {
  int queued = 0;
  if (fd_ < 0 || ::ioctl(fd_, SIOCOUTQ, &queued) != 0) return 0;
  return static_cast<std::int64_t>(outgoing_.written()) - queued;
}

bool Connection::drained() const noexcept {
  int queued = 0;
  return fd_ >= 0 && ::ioctl(fd_, SIOCOUTQ, &queued) == 0 && queued == 0;
}

void Connection::shed(const Shedding& why) noexcept {
  try {
    spdlog::warn("closing connection to {}, the peer longest without taking a byte ({} of {} bytes taken): answers "
                 "waiting for slow peers hold {} bytes, over limits.max_pending_output ({})",
                 describe_peer(), outgoing_.written(), outgoing_.total(), why.pending, why.bound);
  } catch (...) {
    // A line that cannot be made (no memory) must not keep the memory pinned.
  }
  ++wait_generation_;  // whatever wait is pending is now stale
  record_duration();
  step_ = close();
  continue_in_asio();
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
