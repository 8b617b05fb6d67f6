#include "process/worker.hpp"

#include "log/logging.hpp"
#include "process/process_title.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

constexpr std::size_t accept_batch = 64;
// Finished connections are reused, with their parser's buffers, rather than made per accept: that
// was all 3 allocations of a warm cache hit (the Connection, the request's header block and its
// slots), ~580 of the ~7 250 instructions Worker::serve spent per hit (callgrind; docs/benchmarks.md,
// "Allocations on the hit path"). A few spares cover the connections a worker holds at once; past
// that they are made and freed.
constexpr std::size_t max_spare_connections = 8;
constexpr auto accept_pause = std::chrono::milliseconds(100);
// Out of descriptors, a worker closes the connection that has waited longest for its request to
// accept the next, as nginx closes idle connections when it runs out; but not one younger than this:
// nginx writes its request right after connecting, and a connection it just opened is not idle.
constexpr auto shed_grace = std::chrono::milliseconds(250);
// A failure that repeats on every attempt is logged at most this often, with its count.
constexpr auto repeated_error_interval = std::chrono::seconds(1);

// Logging must not throw where memory just ran out.
void log_lack_of_memory(const char* while_doing) noexcept {
  try {
    spdlog::error("out of memory while {}: connection closed", while_doing);
  } catch (...) {
  }
}

bool out_of_descriptors(int error) noexcept { return error == EMFILE || error == ENFILE; }

std::string describe_limit(std::uint64_t value, std::string_view unit) {
  return value == 0 ? std::string("none") : fmt::format("{}{}", value, unit);
}

// The signals the master forwards. They stay blocked (inherited from the master) and are read
// from a signalfd in the wake set, so there is no handler and no race with the event loop.
int open_signal_fd() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGHUP}) sigaddset(&set, sig);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  const int fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("signalfd() failed: ") + std::strerror(errno));
  return fd;
}

}  // namespace

Worker::Worker(const WorkerSetup& setup)
    : config_(setup.config),
      listeners_(setup.listeners),
      pipeline_(setup.pipeline),
      master_pipe_fd_(setup.master_pipe_fd),
      master_pid_(setup.master_pid),
      slot_(setup.spec.slot),
      generation_(setup.spec.generation),
      signal_fd_(open_signal_fd()),
      scoreboard_(setup.scoreboard_slot),
      limits_(setup.spec.request_budget, setup.spec.lifetime, config_.workers.max_rss, Clock::now()),
      lifetime_wake_(limits_.lifetime_end().value_or(Clock::time_point::max())),
      output_budget_(config_.limits.max_pending_output),
      wake_in_asio_(io_, ::fcntl(wake_.fd(), F_DUPFD_CLOEXEC, 0)),
      accept_failures_(repeated_error_interval),
      shed_reports_(repeated_error_interval),
      connection_context_{io_,
                          pipeline_,
                          {config_.limits.max_header_bytes, config_.limits.max_body_bytes},
                          config_.limits.read_timeout,
                          config_.limits.write_timeout,
                          [this](Connection& c, Progress end) { on_async_connection_end(c, end); },
                          &scoreboard_} {
  connection_context_.output_budget = &output_budget_;
  for (const Listener& listener : listeners_) listen_fds_.push_back(listener.fd);
  spare_connections_.reserve(max_spare_connections);
  wake_.add(signal_fd_, WakeSet::Source::signals);
  wake_.add(master_pipe_fd_, WakeSet::Source::master);
  start_accepting();
}

Worker::~Worker() {
  abort_connections();
  ::close(signal_fd_);
}

// The age and the RSS are looked at on the loop's own wake-ups, at most once a second, never per
// request: reading /proc costs a system call. Only the end of the lifetime adds a wake-up of its
// own (an idle worker's RSS does not grow).
int Worker::run() {
  become_ready();
  while (!finished()) {
    if (async_connections_.empty()) wait_idle();
    else wait_in_asio();
    const Clock::time_point now = Clock::now();
    log::flush_access_log_if_due(now);
    expire_parked(now);
    if (accept_paused_ && now >= accept_resume_at_) resume_accepting();
    if (accept_failures_.held_back() != 0 || shed_reports_.held_back() != 0) report_held_back(now);
    if (now >= next_check_) check_limits(now);
  }
  abort_connections();
  pipeline_.on_worker_exit();
  spdlog::info("worker {} (gen {}) exiting after {} requests{}", slot_, generation_, answered_,
               immediate_ ? " (immediate stop)" : " (stopped)");
  log::flush_logs();
  return 0;
}

// on_worker_start has run (in the child code, before run()): from here on the worker accepts.
void Worker::become_ready() {
  const Clock::time_point now = Clock::now();
  const std::uint64_t rss = rss_.read();
  scoreboard_.set_rss(rss);  // first: a master that sees the worker ready sees its size too
  scoreboard_.mark_ready();
  set_process_title(title(""));
  spdlog::info("worker {} (gen {}) serving (request budget {}, lifetime {}, max_rss {})", slot_, generation_,
               describe_limit(limits_.request_budget(), ""),
               describe_limit(static_cast<std::uint64_t>(
                                  std::chrono::duration_cast<std::chrono::milliseconds>(limits_.lifetime()).count()),
                              " ms"),
               describe_limit(limits_.max_rss(), " bytes"));
  judge_limits(now, rss);
}

void Worker::check_limits(Clock::time_point now) {
  const std::uint64_t rss = rss_.read();
  scoreboard_.set_rss(rss);
  judge_limits(now, rss);
}

void Worker::judge_limits(Clock::time_point now, std::uint64_t rss) {
  next_check_ = limits_.next_check(now);
  if (due_ != ExitReason::none) return;
  if (const ExitReason reason = limits_.reached(answered_, now, rss); reason != ExitReason::none) become_due(reason, rss);
}

// Once: the slot says `due` (and why) until the master, with the replacement ready, sends SIGTERM.
// A worker already retiring stays so.
void Worker::become_due(ExitReason reason, std::uint64_t rss) {
  due_ = reason;
  lifetime_wake_ = Clock::time_point::max();
  if (stopping_) return;
  scoreboard_.mark_due(reason);
  tell_master_due();
  set_process_title(title(" due"));
  const std::string rss_detail =
      reason == ExitReason::max_rss ? fmt::format(", RSS {} bytes over {}", rss, limits_.max_rss()) : std::string();
  spdlog::info("worker {} (gen {}) is due ({}) after {} requests{}; serving until the master replaces it", slot_,
               generation_, exit_reason_name(reason), answered_, rss_detail);
}

// The master would otherwise notice at its next look at the scoreboard, up to 100 ms later, and a
// busy worker keeps serving meanwhile: bench scenario 5 measured 2 771 requests per worker at
// max_requests 1000 (20 000 req/s per worker). SIGCHLD is the signal the master already waits for
// and acts on by looking at every worker; a spurious one costs it one turn. Only the master that
// forked this worker is told: if it died, the parent is now someone else.
void Worker::tell_master_due() const noexcept {
  if (master_pid_ > 0 && ::getppid() == master_pid_) ::kill(master_pid_, SIGCHLD);
}

std::string Worker::title(std::string_view state) const {
  return fmt::format("pscgi: worker {} (gen {}){}", slot_, generation_, state);
}

bool Worker::finished() const noexcept { return immediate_ || (stopping_ && in_flight() == 0); }

int Worker::idle_timeout_ms() const {
  auto timeout = Clock::duration::max();
  if (accept_paused_) timeout = accept_pause;
  if (log::access_log_has_pending()) timeout = std::min<Clock::duration>(timeout, log::access_flush_interval);
  if (accept_failures_.held_back() != 0 || shed_reports_.held_back() != 0) {
    timeout = std::min<Clock::duration>(timeout, repeated_error_interval);
  }
  // The clock is read only for a deadline: this runs before every wait of a busy worker.
  Clock::time_point deadline = lifetime_wake_;
  if (const auto parked = parked_.next_deadline(); parked && *parked < deadline) deadline = *parked;
  if (deadline != Clock::time_point::max()) {
    timeout = std::min(timeout, std::max(deadline - Clock::now(), Clock::duration::zero()));
  }
  if (timeout == Clock::duration::max()) return -1;
  // Round up, so that a wait never ends just before the deadline it is for.
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(timeout).count());
}

void Worker::wait_idle() {
  WakeSet::Event events[16];
  handle_wake_events(events, wake_.wait(events, 16, idle_timeout_ms()));
}

// While connections wait in Asio, the wake set is watched through Asio too; its events are then
// read without blocking. run_one_for bounds the wait so buffered log lines still get written.
void Worker::wait_in_asio() {
  if (!wake_armed_) {
    wake_armed_ = true;
    wake_in_asio_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](auto error) {
      wake_armed_ = false;
      if (error) return;
      WakeSet::Event events[16];
      handle_wake_events(events, wake_.wait(events, 16, 0));
    });
  }
  if (io_.stopped()) io_.restart();
  Clock::duration wait = std::chrono::seconds(1);
  const Clock::time_point now = Clock::now();
  if (const auto deadline = parked_.next_deadline()) wait = std::min(wait, std::max(*deadline - now, Clock::duration::zero()));
  wait = std::min(wait, std::max(lifetime_wake_ - now, Clock::duration::zero()));
  io_.run_one_for(wait);
}

void Worker::handle_wake_events(const WakeSet::Event* events, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    switch (events[i].source) {
      case WakeSet::Source::listener: accept_from(events[i].index); break;
      case WakeSet::Source::signals: handle_signals(); break;
      case WakeSet::Source::master: read_master_pipe(); break;
      case WakeSet::Source::connection: resume_parked(static_cast<int>(events[i].index)); break;
    }
  }
}

// Every wake-up for a listener accepts at least once: the kernel woke only this worker for that
// connection. A worker that reached a limit goes on accepting; only a stop or a pause (out of
// descriptors) takes the listeners out of the wake set.
void Worker::accept_from(std::size_t listener_index) {
  for (std::size_t n = 0; n < accept_batch; ++n) {
    if (n > 0 && !accepting_) break;
    if (!accept_one(listener_index)) break;
  }
}

// Out of descriptors, the connection waiting longest for its request makes room (once per call);
// when there is none, or out of memory, the worker pauses accepting instead.
bool Worker::accept_one(std::size_t listener_index) {
  const int listen_fd = listen_fds_[listener_index];
  if (listen_fd < 0) return false;
  bool shed = false;
  for (;;) {
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      serve(fd);
      return true;
    }
    const int error = errno;
    if (error == EINTR || error == ECONNABORTED) continue;
    if (error == EAGAIN || error == EWOULDBLOCK) return false;
    report_accept_failure(listener_index, error);
    if (!shed && out_of_descriptors(error) && shed_oldest_parked()) {
      shed = true;
      continue;
    }
    if (out_of_descriptors(error) || error == ENOBUFS || error == ENOMEM) pause_accepting();
    return false;
  }
}

// Every failed attempt counts; a line a second says so (an idle flood makes thousands a second).
void Worker::report_accept_failure(std::size_t listener_index, int error) {
  last_accept_error_ = error;
  if (const auto held_back = accept_failures_.admit(Clock::now())) {
    spdlog::error("accept4() failed on {}: {}{}", listeners_[listener_index].address.text, std::strerror(error),
                  *held_back == 0 ? std::string() : fmt::format(" ({} more since the last such line)", *held_back));
  }
}

bool Worker::shed_oldest_parked() {
  const Clock::time_point now = Clock::now();
  // Parked connections are queued by read deadline, which is accept time plus read_timeout.
  std::shared_ptr<Connection> oldest = parked_.take_expired(now - shed_grace + config_.limits.read_timeout);
  if (!oldest) return false;
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
      now - (oldest->read_deadline() - config_.limits.read_timeout));
  oldest->abort();
  keep_spare(std::move(oldest));
  publish_activity();
  if (const auto held_back = shed_reports_.admit(now)) {
    spdlog::warn("out of descriptors: closed a connection that had waited {} ms for its request, to accept a "
                 "new one{}",
                 waited.count(),
                 *held_back == 0 ? std::string() : fmt::format(" ({} more since the last such line)", *held_back));
  }
  return true;
}

// The end of a burst: what the throttled lines held back is still told, once.
void Worker::report_held_back(Clock::time_point now) {
  if (const auto failures = accept_failures_.take_held_back(now)) {
    spdlog::error("accept4() failed {} more time(s) since the last such line (the last: {})", *failures,
                  std::strerror(last_accept_error_));
  }
  if (const auto closed = shed_reports_.take_held_back(now)) {
    spdlog::warn("out of descriptors: closed {} more connection(s) waiting for their request since the last such "
                 "line",
                 *closed);
  }
}

// The connection manages its own lack of memory once it exists (Connection::lack_of_memory).
void Worker::serve(int fd) {
  std::shared_ptr<Connection> connection;
  try {
    connection = open_connection(fd);
  } catch (const std::bad_alloc&) {
    ::close(fd);
    log_lack_of_memory("accepting a connection");
    return;
  }
  const Progress progress = connection->start();
  follow(std::move(connection), progress, false);
}

std::shared_ptr<Connection> Worker::open_connection(int fd) {
  const Clock::time_point now = Clock::now();
  const std::uint64_t serial = ++connections_accepted_;
  if (spare_connections_.empty()) return std::make_shared<Connection>(connection_context_, fd, now, serial);
  std::shared_ptr<Connection> connection = std::move(spare_connections_.back());
  spare_connections_.pop_back();
  connection->reopen(fd, now, serial);
  return connection;
}

// Only a connection nothing else holds: one that went to Asio may still be in a handler.
void Worker::keep_spare(std::shared_ptr<Connection> connection) noexcept {
  if (spare_connections_.size() < max_spare_connections && connection.use_count() == 1 && connection->reusable()) {
    spare_connections_.push_back(std::move(connection));
  }
}

void Worker::follow(std::shared_ptr<Connection> connection, Progress progress, bool in_wake_set) {
  switch (progress) {
    case Progress::answered:
    case Progress::silent:
      on_connection_end(progress);
      keep_spare(std::move(connection));
      return;
    case Progress::waiting_for_request:
      try {
        park(connection, in_wake_set);
      } catch (const std::bad_alloc&) {
        connection->abort();
        log_lack_of_memory("parking a connection");
      }
      break;
    case Progress::in_asio: {
      if (in_wake_set) wake_.remove(connection->fd());  // Asio watches it from now on
      Connection* const waiting = connection.get();     // Asio's handlers hold it too
      try {
        async_connections_.emplace(waiting, std::move(connection));
      } catch (const std::bad_alloc&) {
        waiting->abort();
        log_lack_of_memory("keeping a connection that waits in Asio");
      }
      break;
    }
  }
  publish_activity();
}

void Worker::park(const std::shared_ptr<Connection>& connection, bool in_wake_set) {
  wake_.watch_once(connection->fd(), in_wake_set);
  parked_.park(connection, in_wake_set);
}

void Worker::resume_parked(int fd) {
  if (std::shared_ptr<Connection> connection = parked_.take(fd)) {
    const Progress progress = connection->resume();
    follow(std::move(connection), progress, true);
  }
}

void Worker::expire_parked(Clock::time_point now) {
  while (std::shared_ptr<Connection> connection = parked_.take_expired(now)) {
    const Progress progress = connection->expire();
    follow(std::move(connection), progress, true);
  }
}

void Worker::on_connection_end(Progress end) {
  if (end == Progress::answered) {
    ++answered_;
    scoreboard_.set_requests(answered_);
    if (due_ == ExitReason::none && limits_.budget_spent(answered_)) become_due(ExitReason::max_requests, 0);
  }
  publish_activity();
}

// What the worker holds between events: Connection::handle marks `handling` itself.
void Worker::publish_activity() noexcept {
  scoreboard_.set_activity(!async_connections_.empty() ? Activity::writing
                           : parked_.size() != 0       ? Activity::reading
                                                       : Activity::idle);
}

void Worker::on_async_connection_end(Connection& connection, Progress end) {
  // Asio's handler holds its own reference, so erasing here does not destroy a running object.
  async_connections_.erase(&connection);
  on_connection_end(end);
}

void Worker::start_accepting() {
  for (std::size_t i = 0; i < listen_fds_.size(); ++i) {
    if (listen_fds_[i] >= 0) wake_.add(listen_fds_[i], WakeSet::Source::listener, static_cast<std::uint32_t>(i));
  }
  accepting_ = true;
}

void Worker::stop_accepting() {
  if (!accepting_) return;
  for (int fd : listen_fds_) {
    if (fd >= 0) wake_.remove(fd);
  }
  accepting_ = false;
}

// Once every process has closed a listening socket, the kernel refuses new connects on it (for TCP
// there is no path to unlink), so nginx tries its next upstream instead of waiting on a queue
// nobody will serve.
void Worker::close_listeners() noexcept {
  for (int& fd : listen_fds_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

// Out of descriptors or memory: the pending connection stays queued (another worker may take it);
// retrying at once would spin, so this worker looks again a little later.
void Worker::pause_accepting() {
  stop_accepting();
  accept_paused_ = true;
  accept_resume_at_ = Clock::now() + accept_pause;
}

void Worker::resume_accepting() {
  accept_paused_ = false;
  if (!stopping_ && !immediate_) start_accepting();
}

void Worker::handle_signals() {
  signalfd_siginfo info{};
  while (::read(signal_fd_, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
    // TERM and INT are both graceful, and repeating them changes nothing: Ctrl-C or a kill of the
    // process group reaches the workers directly as well as through the master. The master makes
    // a stop immediate with SIGKILL; QUIT asks a worker for it directly.
    switch (info.ssi_signo) {
      case SIGTERM: begin_graceful_stop("SIGTERM"); break;
      case SIGINT: begin_graceful_stop("SIGINT"); break;
      case SIGQUIT: immediate_ = true; break;
      case SIGUSR1: log::reopen_logs(); break;
      default: break;  // SIGHUP belongs to the master
    }
  }
}

void Worker::read_master_pipe() {
  char byte;
  const ssize_t n = ::read(master_pipe_fd_, &byte, 1);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    wake_.remove(master_pipe_fd_);
    begin_graceful_stop("the master is gone");
  }
}

// Connections already queued on the listening sockets were accepted by the kernel for this server:
// they are served before the worker leaves (the master has removed the socket path, so no new ones
// arrive on unix sockets). A socket the service manager passed in keeps its path and its queue
// after this worker closes it (systemd holds it), so clients go on connecting: draining it to the
// end could last until workers.graceful_timeout kills the worker with what it accepted. It gets one
// batch — the connection whose wake-up reached this worker among them — and the rest is left to the
// workers that stay or to the next server.
void Worker::begin_graceful_stop(const char* why) {
  if (stopping_) return;
  lifetime_wake_ = Clock::time_point::max();
  scoreboard_.mark_retiring();
  set_process_title(title(" retiring"));
  spdlog::info("worker {} (gen {}) retiring ({}), {} connection(s) in flight", slot_, generation_, why, in_flight());
  if (accepting_) {
    for (std::size_t i = 0; i < listen_fds_.size(); ++i) {
      if (listeners_[i].inherited) {
        accept_from(i);
        continue;
      }
      while (accept_one(i)) {
      }
    }
  }
  stop_accepting();
  close_listeners();
  stopping_ = true;
}

void Worker::abort_connections() noexcept {
  auto connections = std::move(async_connections_);
  async_connections_.clear();
  for (auto& [key, connection] : connections) connection->abort();
  for (auto& connection : parked_.take_all()) connection->abort();
}

}  // namespace pscgi::process
