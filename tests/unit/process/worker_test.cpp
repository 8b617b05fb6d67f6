// A real Worker in a forked child, on a unix socket in a temporary directory, with this test as its
// master: it owns the scoreboard and the pipe whose EOF means "the master is gone". What the worker
// does is read from its scoreboard slot; every wait is bounded, and polls the slot rather than
// sleeping for a fixed time.

#include "process/worker.hpp"

#include "config/listen_address.hpp"
#include "unit/protocol/scgi_test_support.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace pscgi::process {
namespace {

using namespace std::chrono_literals;

constexpr auto patience = 10s;

class Hello final : public Stage {
 public:
  std::string_view name() const noexcept override { return "hello"; }
  StageResult on_request(Exchange& exchange) override {
    exchange.response = ResponseBuilder(200).no_etag().body("hello").finish();
    return StageResult::answered;
  }
};

class WorkerTest : public ::testing::Test {
 protected:
  static constexpr int slot = 1;
  static constexpr std::uint32_t generation = 5;

  std::string dir;
  config::Config config = config::default_config();
  std::vector<Listener> listeners;
  std::shared_ptr<Scoreboard> board = Scoreboard::create(2);
  Pipeline pipeline;
  pid_t child = -1;
  int master_pipe = -1;  ///< our end; closing it tells the worker its master is gone

  WorkerTest() {
    char pattern[] = "/tmp/pscgi-worker-test-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = pattern;
    config.listen = {config::parse_listen_address("unix:" + dir + "/w.sock")};
    config.workers.graceful_timeout = 5s;
    pipeline.append(std::make_unique<Hello>());
  }

  ~WorkerTest() override {
    if (child > 0) {
      ::kill(child, SIGKILL);
      ::waitpid(child, nullptr, 0);
    }
    if (master_pipe >= 0) ::close(master_pipe);
    unlink_socket_files(listeners);
    close_listeners(listeners);
    ::rmdir(dir.c_str());
  }

  void start(std::uint64_t request_budget, Clock::duration lifetime = Clock::duration::zero()) {
    listeners = open_listeners(config);
    board->claim(slot, generation);
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    child = ::fork();
    ASSERT_GE(child, 0) << std::strerror(errno);
    if (child == 0) {
      ::close(fds[1]);
      run_child(fds[0], {slot, generation, request_budget, lifetime});
    }
    ::close(fds[0]);
    master_pipe = fds[1];
    board->set_pid(slot, child);
    ASSERT_TRUE(wait_for_slot([](const SlotSnapshot& s) { return s.lifecycle != Lifecycle::starting; }));
  }

  [[noreturn]] void run_child(int pipe_read_end, WorkerSpec spec) {
    int status = 1;
    try {
      Worker worker({config, listeners, pipeline, pipe_read_end, spec, board->writer(spec.slot), ::getppid()});
      pipeline.on_worker_start({static_cast<int>(::getpid()), spec.slot});
      status = worker.run();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "worker failed: %s\n", e.what());
    }
    std::_Exit(status);
  }

  bool wait_for_slot(const std::function<bool(const SlotSnapshot&)>& condition) const {
    const auto give_up = Clock::now() + patience;
    while (Clock::now() < give_up) {
      if (condition(board->read(slot))) return true;
      std::this_thread::sleep_for(2ms);
    }
    return false;
  }

  /// The child's wait status, or -1 if it did not exit in time.
  int wait_for_exit() {
    const auto give_up = Clock::now() + patience;
    int status = 0;
    while (Clock::now() < give_up) {
      const pid_t reaped = ::waitpid(child, &status, WNOHANG);
      if (reaped == child) {
        child = -1;
        return status;
      }
      std::this_thread::sleep_for(5ms);
    }
    return -1;
  }

  /// One request over a new connection; the answer's bytes.
  std::string ask(std::string_view uri) const {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = dir + "/w.sock";
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    timeval limit{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
    std::string answer;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) {
      const std::string request = protocol::testing::scgi_request_with_body(
          "", {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", std::string(uri)}});
      if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
        char buffer[4096];
        ssize_t n;
        while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) answer.append(buffer, static_cast<std::size_t>(n));
      }
    }
    ::close(fd);
    return answer;
  }

  static bool ok(const std::string& answer) { return answer.starts_with("Status: 200 OK"); }
};

TEST_F(WorkerTest, AReadyWorkerIsServingIdleAndPublishesItsRss) {
  start(0);
  const SlotSnapshot s = board->read(slot);
  EXPECT_EQ(s.lifecycle, Lifecycle::serving);
  EXPECT_EQ(s.activity, Activity::idle);
  EXPECT_EQ(s.pid, child);
  EXPECT_EQ(s.generation, generation);
  EXPECT_GT(s.rss_bytes, 0u);
}

// The budget makes the worker due, not gone: it keeps answering until the master sends SIGTERM,
// then it retires and exits 0.
TEST_F(WorkerTest, AWorkerPastItsBudgetIsDueAndKeepsServingUntilSigterm) {
  start(2);
  ASSERT_TRUE(ok(ask("/one")));
  EXPECT_TRUE(wait_for_slot([](const SlotSnapshot& s) { return s.requests == 1 && s.activity == Activity::idle; }));
  EXPECT_EQ(board->read(slot).lifecycle, Lifecycle::serving);
  EXPECT_EQ(board->read(slot).request, "GET /one");

  ASSERT_TRUE(ok(ask("/two")));
  EXPECT_TRUE(wait_for_slot([](const SlotSnapshot& s) { return s.lifecycle == Lifecycle::due; }));
  EXPECT_EQ(board->read(slot).due_reason, ExitReason::max_requests);

  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ok(ask("/more"))) << i;
  EXPECT_TRUE(wait_for_slot([](const SlotSnapshot& s) { return s.requests == 5; }));
  EXPECT_EQ(board->read(slot).lifecycle, Lifecycle::due);

  ASSERT_EQ(::kill(child, SIGTERM), 0);
  const int status = wait_for_exit();
  ASSERT_NE(status, -1) << "the worker did not leave after SIGTERM";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(board->read(slot).lifecycle, Lifecycle::retiring);
}

// The master must not wait for its next look at the scoreboard (up to 100 ms of requests past the
// budget): the worker sends it SIGCHLD as it becomes due. Sent with kill() by a child that is still
// alive, it carries SI_USER, unlike the CLD_EXITED of an exit.
TEST_F(WorkerTest, ADueWorkerTellsItsMasterAtOnceWithSigchld) {
  sigset_t chld, previous;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &chld, &previous), 0);
  start(2);
  ASSERT_TRUE(ok(ask("/one")));
  ASSERT_TRUE(ok(ask("/two")));
  siginfo_t info{};
  const timespec patience_ts{5, 0};
  const int received = ::sigtimedwait(&chld, &info, &patience_ts);
  const pid_t still_there = ::waitpid(child, nullptr, WNOHANG);
  const timespec none{0, 0};
  while (::sigtimedwait(&chld, nullptr, &none) == SIGCHLD) {
  }
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  ASSERT_EQ(received, SIGCHLD) << "no SIGCHLD within 5 s of the worker becoming due";
  EXPECT_EQ(info.si_pid, child);
  EXPECT_EQ(info.si_code, SI_USER);
  EXPECT_EQ(still_there, 0) << "the worker must keep serving while due";
  EXPECT_EQ(board->read(slot).lifecycle, Lifecycle::due);
}

// An idle worker must wake for the end of its lifetime: nothing else would wake it.
TEST_F(WorkerTest, AnIdleWorkerBecomesDueAtTheEndOfItsLifetime) {
  start(0, 200ms);
  EXPECT_TRUE(wait_for_slot([](const SlotSnapshot& s) { return s.lifecycle == Lifecycle::due; }));
  EXPECT_EQ(board->read(slot).due_reason, ExitReason::max_lifetime);
  EXPECT_TRUE(ok(ask("/still-serving")));
}

TEST_F(WorkerTest, AWorkerOverMaxRssIsDue) {
  config.workers.max_rss = 4096;  // every process is bigger than a page
  start(0);
  EXPECT_TRUE(wait_for_slot([](const SlotSnapshot& s) { return s.lifecycle == Lifecycle::due; }));
  EXPECT_EQ(board->read(slot).due_reason, ExitReason::max_rss);
  EXPECT_TRUE(ok(ask("/still-serving")));
}

TEST_F(WorkerTest, AWorkerWhoseMasterIsGoneRetiresAndExits) {
  start(0);
  ASSERT_TRUE(ok(ask("/")));
  ::close(master_pipe);
  master_pipe = -1;
  const int status = wait_for_exit();
  ASSERT_NE(status, -1) << "the worker did not notice its master was gone";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(board->read(slot).lifecycle, Lifecycle::retiring);
}

}  // namespace
}  // namespace pscgi::process
