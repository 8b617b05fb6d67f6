#include "apps/cgi/child_process.hpp"

#include "apps/cgi/child_spawn.hpp"
#include "apps/cgi/stderr_lines.hpp"
#include "apps/cgi/unique_fd.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pscgi::apps::cgi {
namespace {

using Clock = std::chrono::steady_clock;

// While the loop writes to the child's stdin, a child that exits without reading raises SIGPIPE in
// this process. pscgi ignores SIGPIPE, but the app must not depend on its host for that (tests and
// other programs link it too): SIGPIPE is blocked for the loop, and one raised by our own write is
// taken off the pending set before the old mask comes back.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlocked() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      const timespec zero{};
      while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

// Through syscall(): bookworm's <sys/pidfd.h> (glibc 2.36) declares pidfd_open without C linkage.
int open_pidfd(pid_t pid) noexcept { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

// The spawned child, until it is reaped. Killing the group before reaping matters: while the leader
// is an unreaped zombie its pid (the group's id) cannot be reused, so kill(-pid) cannot reach a
// stranger.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid), pidfd_(open_pidfd(pid)) {}
  ~Child() {
    if (!reaped_) {
      kill_group();
      reap();
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  int pidfd() const noexcept { return pidfd_.get(); }
  void kill_group() const noexcept { ::kill(-pid_, SIGKILL); }
  // Whether the child has exited, without reaping it (it stays a zombie until reap()).
  bool has_exited() const noexcept {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid_;
  }
  int reap() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    return status;
  }

 private:
  pid_t pid_;
  UniqueFd pidfd_;
  bool reaped_ = false;
};

// One run: the parent's ends of the three pipes, and the loop that serves them.
class Run {
 public:
  Run(const ChildSpec& spec, ChildPipes& pipes, Child& child)
      : spec_(spec), child_(child), input_(std::move(pipes.input)), output_(std::move(pipes.output)),
        errors_(std::move(pipes.errors)),
        stderr_lines_(spec.on_stderr_line ? spec.on_stderr_line : [](std::string_view) {}, max_stderr_line,
                      max_stderr_bytes),
        deadline_(Clock::now() + spec.timeout) {
    if (spec_.input.empty()) input_.reset();
  }

  ChildResult run() {
    ChildResult result;
    while (output_ || errors_ || !exited_) {
      const auto now = Clock::now();
      if (now >= deadline_) return stop(ChildOutcome::timed_out, 0, std::move(result));
      if (!wait(std::chrono::ceil<std::chrono::milliseconds>(deadline_ - now))) {
        return stop(ChildOutcome::io_failed, errno, std::move(result));
      }
      write_input();
      switch (read_output(result.output)) {
        case Read::ok: break;
        case Read::too_large:
          result.output.resize(spec_.max_output);
          return stop(ChildOutcome::output_too_large, 0, std::move(result));
        case Read::failed: return stop(ChildOutcome::io_failed, errno, std::move(result));
      }
      read_errors();
      if (!exited_ && (polled_pidfd_ || child_.pidfd() < 0) && child_.has_exited()) {
        exited_ = true;
        // The request ends with the script: what it left running in its group goes too, which
        // also brings EOF on pipes a background job might have held open.
        child_.kill_group();
        input_.reset();
      }
    }
    stderr_lines_.finish();
    result.wait_status = child_.reap();
    return result;
  }

 private:
  enum class Read { ok, too_large, failed };

  // Polls the open pipes and the pidfd; false when poll fails.
  bool wait(std::chrono::milliseconds remaining) {
    std::array<pollfd, 4> fds{};
    std::size_t count = 0;
    if (input_) fds[count++] = {input_.get(), POLLOUT, 0};
    if (output_) fds[count++] = {output_.get(), POLLIN, 0};
    if (errors_) fds[count++] = {errors_.get(), POLLIN, 0};
    const bool watch_exit = !exited_ && child_.pidfd() >= 0;
    if (watch_exit) fds[count++] = {child_.pidfd(), POLLIN, 0};
    // Without a pidfd (kernels before 5.3) the exit is noticed by looking every 10 ms.
    auto timeout = remaining;
    if (!exited_ && child_.pidfd() < 0) timeout = std::min(timeout, std::chrono::milliseconds(10));
    const int ready = ::poll(fds.data(), count, static_cast<int>(timeout.count()));
    if (ready < 0 && errno != EINTR) return false;
    polled_pidfd_ = watch_exit && ready > 0 && (fds[count - 1].revents & (POLLIN | POLLHUP)) != 0;
    return true;
  }

  void write_input() {
    if (!input_) return;
    const std::string_view rest = spec_.input.substr(written_);
    const ssize_t n = ::write(input_.get(), rest.data(), rest.size());
    if (n > 0) written_ += static_cast<std::size_t>(n);
    // EPIPE and the like: the script exits or closes stdin without reading its body. That is its
    // right (RFC 3875 4.2 lets it ignore the body), so it is not an error.
    const bool failed = n < 0 && errno != EAGAIN && errno != EINTR;
    if (failed || written_ == spec_.input.size()) input_.reset();
  }

  // Reads what stdout has (one read per turn, so a fast writer cannot keep the loop from its
  // deadline); failed keeps the read's errno.
  Read read_output(std::string& output) {
    if (!output_) return Read::ok;
    const ssize_t n = ::read(output_.get(), buffer_.data(), buffer_.size());
    if (n < 0) return errno == EAGAIN || errno == EINTR ? Read::ok : Read::failed;
    if (n == 0) output_.reset();
    output.append(buffer_.data(), static_cast<std::size_t>(n));
    return output.size() > spec_.max_output ? Read::too_large : Read::ok;
  }

  void read_errors() {
    if (!errors_) return;
    const ssize_t n = ::read(errors_.get(), buffer_.data(), buffer_.size());
    if (n > 0) stderr_lines_.feed(std::string_view(buffer_.data(), static_cast<std::size_t>(n)));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) errors_.reset();
  }

  ChildResult stop(ChildOutcome outcome, int error, ChildResult result) {
    child_.kill_group();
    stderr_lines_.finish();
    child_.reap();
    result.outcome = outcome;
    result.error = error;
    return result;
  }

  const ChildSpec& spec_;
  Child& child_;
  UniqueFd input_;
  UniqueFd output_;
  UniqueFd errors_;
  StderrLines stderr_lines_;
  Clock::time_point deadline_;
  std::size_t written_ = 0;
  bool exited_ = false;
  bool polled_pidfd_ = false;
  std::array<char, 64 * 1024> buffer_{};
};

}  // namespace

std::string_view to_string(ChildOutcome outcome) noexcept {
  switch (outcome) {
    case ChildOutcome::exited: return "exited";
    case ChildOutcome::spawn_failed: return "spawn failed";
    case ChildOutcome::timed_out: return "timed out";
    case ChildOutcome::output_too_large: return "output too large";
    case ChildOutcome::io_failed: return "pipe error";
  }
  return "unknown";
}

ChildResult run_child(const ChildSpec& spec) {
  ChildPipes pipes = make_child_pipes();
  const SpawnResult spawned = spawn_child(spec, pipes);
  if (spawned.error != 0) {
    ChildResult result;
    result.outcome = ChildOutcome::spawn_failed;
    result.error = spawned.error;
    return result;
  }
  Child child(spawned.pid);
  const SigpipeBlocked sigpipe_blocked;
  Run run(spec, pipes, child);
  return run.run();
}

}  // namespace pscgi::apps::cgi
