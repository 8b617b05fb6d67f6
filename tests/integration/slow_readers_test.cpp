// Peers that never read (issue 12): the real binary, one worker, limits.max_pending_output set to
// 40 MiB, and raw unix-socket peers that ask for a 16 MiB page. Those that never read are cut, the
// oldest first, with a warning each; the worker's RSS stays near the bound; a good request and a
// peer that reads slowly but steadily are served meanwhile.

#include "harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace pscgi::testing {
namespace {

constexpr std::size_t MiB = 1024 * 1024;
constexpr std::size_t page_bytes = 16 * MiB;  // /work?kb=16384
constexpr std::size_t bound = 40 * MiB;       // two pages fit, a third does not
constexpr int never_readers = 10;
const std::string shed_line = "over limits.max_pending_output";

std::string config() {
  return "listen: unix:{socket}\n"
         "workers: { count: 1, max_requests: 0 }\n"
         "limits: { max_pending_output: 40MiB, write_timeout: 60s }\n"
         "log: { level: info, error_log: stderr, access_log: off }\n"
         "pipeline: [access_log]\n"
         "app: { type: demo }\n";
}

// VmRSS of a process, in bytes (0 when it cannot be read).
std::size_t resident_bytes(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6)) * 1024;
  }
  return 0;
}

// A peer that asks for the large page; a small receive buffer, so the worker's write blocks soon.
int ask_for_page(const std::string& socket, const std::string& tag) {
  const int fd = connect_unix(socket);
  if (fd < 0) return fd;
  const int small = 4096;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  if (!write_all(fd, scgi_request("GET", "/work?kb=16384&" + tag))) {
    ::close(fd);
    return -1;
  }
  return fd;
}

class SlowReadersTest : public ::testing::Test {
 protected:
  TempDir dir;
  Server server{dir, config()};
  pid_t worker = 0;
  std::size_t baseline = 0;
  std::size_t peak = 0;
  std::vector<int> peers;

  void SetUp() override {
    ASSERT_EQ(scgi_get(server.socket(), "/hello").status, 200);
    const std::vector<pid_t> workers = server.worker_pids();
    ASSERT_EQ(workers.size(), 1u);
    worker = workers[0];
    baseline = resident_bytes(worker);
    ASSERT_GT(baseline, 0u);
  }

  ~SlowReadersTest() override {
    for (int fd : peers) ::close(fd);
  }

  void open_never_readers() {
    for (int i = 0; i < never_readers; ++i) {
      const int fd = ask_for_page(server.socket(), "never=" + std::to_string(i));
      ASSERT_GE(fd, 0);
      peers.push_back(fd);
    }
  }

  int shed_lines() const { return count_occurrences(server.log(), shed_line); }

  // Waits for `lines` warnings, sampling the worker's RSS meanwhile.
  bool wait_for_shedding(int lines) {
    return wait_until([&] {
      peak = std::max(peak, resident_bytes(worker));
      return shed_lines() >= lines;
    }, 90s);
  }
};

TEST_F(SlowReadersTest, PeersThatNeverReadAreCutOldestFirstAndTheWorkerStaysBounded) {
  open_never_readers();
  // Two pages fit under the bound: each of the other eight is cut when the next one stalls.
  ASSERT_TRUE(wait_for_shedding(never_readers - 2)) << lines_with(server.log(), "warn");

  const Reply good = scgi_get(server.socket(), "/hello");
  EXPECT_EQ(good.status, 200) << "a good request on the same worker is served meanwhile";
  peak = std::max(peak, resident_bytes(worker));
  EXPECT_EQ(shed_lines(), never_readers - 2) << lines_with(server.log(), shed_line);
  EXPECT_NE(server.log().find("closing connection to unix socket peer pid " + std::to_string(::getpid())),
            std::string::npos)
      << "the line names the peer";
  // The bound, the page being built when the next peer came, and what the allocator keeps.
  const std::size_t limit = baseline + bound + page_bytes + 16 * MiB;
  std::cout << "[ figures  ] worker RSS idle " << baseline / MiB << " MiB, peak with " << never_readers
            << " never-readers " << peak / MiB << " MiB (limit " << limit / MiB << " MiB)\n";
  if (!built_with_address_sanitizer) {
    EXPECT_LT(peak, limit);
  }
}

TEST_F(SlowReadersTest, APeerThatReadsSlowlyButSteadilyGetsItsWholePage) {
  const int reader_fd = ask_for_page(server.socket(), "reader=1");
  ASSERT_GE(reader_fd, 0);
  std::atomic<bool> started{false};
  std::string answer;
  std::thread reader([&] {
    char buffer[64 * 1024];
    for (;;) {
      const ssize_t n = ::recv(reader_fd, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      answer.append(buffer, static_cast<std::size_t>(n));
      started = true;
      std::this_thread::sleep_for(10ms);  // ~6 MiB/s: far slower than the worker writes
    }
  });
  const bool reading = wait_until([&] { return started.load(); }, 30s);
  if (reading) open_never_readers();
  reader.join();
  ::close(reader_fd);
  ASSERT_TRUE(reading);

  const Reply reply = parse_reply(answer);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body.size(), page_bytes) << "the reader got the whole page";
  EXPECT_TRUE(reply.body.ends_with("</html>\n"));
  EXPECT_TRUE(wait_for_shedding(1)) << "the never-readers were cut while it read";
}

}  // namespace
}  // namespace pscgi::testing
