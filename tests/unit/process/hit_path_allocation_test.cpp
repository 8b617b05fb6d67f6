// A warm cache hit allocates nothing on its whole way through a worker: accept, the Connection,
// reading and parsing, the pipeline as the stock server builds it (access log to a file, metrics
// with the scoreboard, conditional, cache, the demo app), writing, closing, and the event loop's
// bookkeeping around it. A real Worker runs in a forked child on a unix socket, every allocation
// of that process is counted in shared memory (unit/support/allocation_counting.hpp), and this test
// plays nginx: one request fills the cache, a few warm it, and the counted ones must cost nothing,
// whether the request is there when the worker accepts or comes after (the connection is parked).

#include "cache/cache_generation.hpp"
#include "config/listen_address.hpp"
#include "log/logging.hpp"
#include "pipeline/stage_factory.hpp"
#include "process/worker.hpp"
#include "unit/support/allocation_counting.hpp"
#include "unit/protocol/scgi_test_support.hpp"

#include <pscgi/server.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
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
constexpr int slot = 1;
constexpr int warming_hits = 3;
constexpr int counted_hits = 50;

enum class Arrival { before_accept, after_accept };

// What nginx 1.22 sends with the stock scgi_params for a browser's GET (21 variables), with a
// query string long enough that no copy of the URI fits in a string's inline buffer.
std::string browser_get() {
  const std::string query = "utm_source=allocation-test&utm_medium=unit";
  return protocol::testing::scgi_request({
      {"CONTENT_LENGTH", "0"},
      {"REQUEST_METHOD", "GET"},
      {"REQUEST_URI", "/hello?" + query},
      {"QUERY_STRING", query},
      {"CONTENT_TYPE", ""},
      {"DOCUMENT_URI", "/hello"},
      {"DOCUMENT_ROOT", "/usr/share/nginx/html"},
      {"SCGI", "1"},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"REQUEST_SCHEME", "http"},
      {"REMOTE_ADDR", "127.0.0.1"},
      {"REMOTE_PORT", "51234"},
      {"SERVER_PORT", "80"},
      {"SERVER_NAME", "localhost"},
      {"HTTP_HOST", "localhost"},
      {"HTTP_USER_AGENT", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
      {"HTTP_ACCEPT", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
      {"HTTP_ACCEPT_LANGUAGE", "en-US,en;q=0.5"},
      {"HTTP_ACCEPT_ENCODING", "gzip, deflate, br, zstd"},
      {"HTTP_CONNECTION", "close"},
      {"HTTP_UPGRADE_INSECURE_REQUESTS", "1"},
  });
}

class HitPathAllocationTest : public ::testing::Test {
 protected:
  std::string dir;
  config::Config config = config::default_config();
  std::vector<Listener> listeners;
  std::shared_ptr<Scoreboard> board = Scoreboard::create(2);
  std::optional<Pipeline> pipeline;
  pscgi::testing::SharedAllocationLog& allocations = pscgi::testing::SharedAllocationLog::create();
  std::string page;  ///< the miss's answer, which every hit repeats
  pid_t child = -1;
  int master_pipe = -1;  ///< our end; closing it tells the worker its master is gone

  HitPathAllocationTest() {
    char pattern[] = "/tmp/pscgi-hit-alloc-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = pattern;
    config.listen = {config::parse_listen_address("unix:" + dir + "/w.sock")};
    config.app.type = "demo";
    config.log.error_log = dir + "/error.log";
    config.log.access_log = dir + "/access.log";
  }

  ~HitPathAllocationTest() override {
    if (child > 0) {
      ::kill(child, SIGKILL);
      ::waitpid(child, nullptr, 0);
    }
    if (master_pipe >= 0) ::close(master_pipe);
    unlink_socket_files(listeners);
    close_listeners(listeners);
    for (const char* file : {"/error.log", "/access.log"}) ::unlink((dir + file).c_str());
    ::rmdir(dir.c_str());
  }

  // As the master does: the pipeline with its dependencies is built before fork.
  void start_worker() {
    ASSERT_EQ(config.stages, (std::vector<std::string>{"access_log", "metrics", "conditional", "cache"}));
    pipeline.emplace(pipeline::build_pipeline(config, builtin_apps(), {cache::CacheGeneration::create(), board}));
    listeners = open_listeners(config);
    board->claim(slot, 1);
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    child = ::fork();
    ASSERT_GE(child, 0) << std::strerror(errno);
    if (child == 0) {
      ::close(fds[1]);
      run_child(fds[0]);
    }
    ::close(fds[0]);
    master_pipe = fds[1];
    board->set_pid(slot, child);
    ASSERT_TRUE(wait_for_slot([](const SlotSnapshot& s) { return s.lifecycle == Lifecycle::serving; }));
  }

  // What PosixProcessControl::run_child does, with every allocation counted from the start.
  [[noreturn]] void run_child(int pipe_read_end) {
    allocations.count_this_process();
    int status = 1;
    try {
      log::setup_logging(config.log, "worker");
      Worker worker({config, listeners, *pipeline, pipe_read_end, {slot, 1, 0, Clock::duration::zero()},
                     board->writer(slot), 0});
      pipeline->on_worker_start({static_cast<int>(::getpid()), slot});
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
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }

  /// Waits until the worker has answered `requests` and holds no connection: back in its loop.
  void wait_until_idle_after(std::uint64_t requests) const {
    ASSERT_TRUE(wait_for_slot([requests](const SlotSnapshot& s) {
      return s.requests == requests && s.activity == Activity::idle;
    })) << "the worker did not come back idle after " << requests << " requests";
  }

  /// One request over a new connection, as nginx sends it; the whole answer. `arrival` says when
  /// the request's bytes come: already there when the worker accepts (the worker is stopped while
  /// the test connects and sends), or after the worker accepted and parked the connection.
  std::string ask(const std::string& request, Arrival arrival) const {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = dir + "/w.sock";
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    timeval limit{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
    if (arrival == Arrival::before_accept) stop_worker();
    std::string answer;
    const bool connected = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
    if (connected && arrival == Arrival::after_accept) {
      EXPECT_TRUE(wait_for_slot([](const SlotSnapshot& s) { return s.activity == Activity::reading; }))
          << "the worker did not park the connection";
    }
    const bool sent = connected && ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
                                       static_cast<ssize_t>(request.size());
    if (arrival == Arrival::before_accept) ::kill(child, SIGCONT);
    if (sent) {
      char buffer[8192];
      ssize_t n;
      while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) answer.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return answer;
  }

  /// SIGSTOP, and waits until the worker has stopped: it runs no more code until SIGCONT.
  void stop_worker() const {
    ::kill(child, SIGSTOP);
    int status = 0;
    EXPECT_EQ(::waitpid(child, &status, WUNTRACED), child);
    EXPECT_TRUE(WIFSTOPPED(status)) << status;
  }

  /// Fills the cache, warms the worker up with hits arriving both ways, then returns what
  /// `counted_hits` more hits arriving as `arrival` allocated.
  std::size_t allocations_in_warm_hits(Arrival arrival) {
    start_worker();
    if (HasFatalFailure()) return 0;
    const std::string request = browser_get();
    page = ask(request, Arrival::before_accept);  // the miss: the demo app renders, the cache stores
    EXPECT_TRUE(page.starts_with("Status: 200 OK")) << page;
    EXPECT_NE(page.find("id=\"renders\">1<"), std::string::npos) << page;
    for (int i = 0; i < warming_hits && !HasFailure(); ++i) {
      EXPECT_EQ(ask(request, Arrival::before_accept), page) << "warming hit " << i;
      EXPECT_EQ(ask(request, Arrival::after_accept), page) << "warming hit " << i;
    }
    wait_until_idle_after(1 + 2 * warming_hits);
    if (HasFailure()) return 0;
    const std::size_t before = allocations.count.load();
    for (int i = 0; i < counted_hits && !HasFailure(); ++i) EXPECT_EQ(ask(request, arrival), page) << "counted hit " << i;
    wait_until_idle_after(1 + 2 * warming_hits + counted_hits);
    const std::size_t allocated = allocations.count.load() - before;
    // The same bytes every time (the render count did not move), and the cache's own tally: every
    // one of them was a hit.
    EXPECT_EQ(board->read(slot).cache.hits, static_cast<std::uint64_t>(2 * warming_hits + counted_hits));
    return allocated;
  }

  std::string explain(std::size_t allocated) const {
    return std::to_string(allocated) + " allocations in " + std::to_string(counted_hits) + " warm hits (" +
           std::to_string(static_cast<double>(allocated) / counted_hits) +
           " per hit); sizes of the latest, oldest first: " + latest_sizes(allocated);
  }

  /// The sizes of the last allocations counted (at most SharedAllocationLog::remembered), oldest first.
  std::string latest_sizes(std::size_t count) const {
    const std::size_t total = allocations.count.load();
    const std::size_t shown = std::min(count, pscgi::testing::SharedAllocationLog::remembered);
    std::string text;
    for (std::size_t i = total - shown; i < total; ++i) {
      text += std::to_string(allocations.sizes[i % pscgi::testing::SharedAllocationLog::remembered].load()) + " ";
    }
    return text;
  }
};

// The common case: nginx has written the request by the time the worker accepts.
TEST_F(HitPathAllocationTest, AWarmHitWhoseRequestIsThereAtAcceptAllocatesNothing) {
  const std::size_t allocated = allocations_in_warm_hits(Arrival::before_accept);
  EXPECT_EQ(allocated, 0u) << explain(allocated);
}

// The worker accepted between nginx's connect and its write: the connection is parked, then resumed.
TEST_F(HitPathAllocationTest, AWarmHitThatWaitsForItsRequestAllocatesNothing) {
  const std::size_t allocated = allocations_in_warm_hits(Arrival::after_accept);
  EXPECT_EQ(allocated, 0u) << explain(allocated);
}

}  // namespace
}  // namespace pscgi::process
