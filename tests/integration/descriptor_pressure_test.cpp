// Descriptor pressure against the real binary: the server runs under `ulimit -n 256` while 600
// raw connections sit idle on its socket. The worker's accept4() error line is rate-limited, a good
// request is served long before the idle peers' read_timeout (the worker closes the connection
// that has waited longest to make room), a lingering close after an error answer is short, and the
// worker's descriptors come back to their count before the flood. Figures are printed for
// docs/reliability.md ("Descriptor budget").

#include "harness.hpp"
#include "process_stats.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <iostream>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace pscgi::testing {
namespace {

constexpr int idle_peers = 600;
using std::chrono::steady_clock;

std::string config(const std::string& read_timeout) {
  return "listen: unix:{socket}\n"
         "workers: { count: 1, max_requests: 0 }\n"
         "limits: { read_timeout: " + read_timeout + " }\n"
         "log: { level: info, error_log: stderr, access_log: off }\n"
         "app: { type: demo }\n";
}

pid_t the_worker(const Server& server) {
  std::vector<pid_t> workers;
  wait_until([&] { return (workers = server.worker_pids()).size() == 1; }, 10s);
  return workers.size() == 1 ? workers[0] : 0;
}

long long ms_since(steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady_clock::now() - start).count();
}

struct Peers {
  std::vector<int> fds;
  ~Peers() {
    for (int fd : fds) ::close(fd);
  }
};

TEST(DescriptorPressureTest, AnIdleFloodAtTheDescriptorLimitNeitherStarvesAGoodRequestNorFloodsTheLog) {
  if (built_with_address_sanitizer) {
    // Under ASan, at `ulimit -n 256` the worker was replaced during the flood (CI, 2026-12-07); why
    // is not known yet. The normal build runs this test; the closing note of issue 12 tracks it.
    GTEST_SKIP() << "not run under AddressSanitizer: its worker is replaced at the descriptor limit (open question)";
  }
  TempDir dir;
  Server server(dir, config("3s"), limited_binary(dir, "pscgi-256fd", "-n 256"));
  const pid_t worker = the_worker(server);
  ASSERT_NE(worker, 0);
  ASSERT_EQ(scgi_get(server.socket(), "/hello").status, 200);
  const int descriptors_before = open_descriptors(worker);

  const auto flood_start = steady_clock::now();
  Peers idle;
  for (int i = 0; i < idle_peers; ++i) {
    const int fd = connect_unix(server.socket());
    ASSERT_GE(fd, 0) << "connect " << i;
    idle.fds.push_back(fd);
  }

  const auto asked = steady_clock::now();
  const Reply good = scgi_get(server.socket(), "/hello");
  const long long time_to_serve = ms_since(asked);
  const int descriptors_during = open_descriptors(worker);
  EXPECT_EQ(good.status, 200);
  EXPECT_LT(time_to_serve, 2000) << "served only once idle peers timed out (read_timeout 3 s)";
  EXPECT_LE(descriptors_during, 256);

  // The idle peers never close: the worker ends them (closed to make room, or 408 at read_timeout
  // and a short linger), and its descriptors come back.
  const bool back = wait_until([&] { return open_descriptors(worker) <= descriptors_before; }, 15s, 50ms);
  const long long time_to_recover = ms_since(flood_start);
  const long long flood_seconds = time_to_recover / 1000 + 1;
  const std::string log = server.log();
  const int accept_lines = count_occurrences(log, "accept4() failed");
  const int shed_lines = count_occurrences(log, "out of descriptors: closed");
  std::cout << "[ figures ] " << idle_peers << " idle peers, ulimit -n 256, read_timeout 3 s: good request served in "
            << time_to_serve << " ms; worker fds " << descriptors_before << " -> " << descriptors_during << " -> "
            << open_descriptors(worker) << " after " << time_to_recover << " ms; accept4() error lines "
            << accept_lines << ", shed lines " << shed_lines << "\n"
            << lines_with(log, "accept4() failed") << lines_with(log, "out of descriptors");
  EXPECT_TRUE(back) << "worker descriptors " << open_descriptors(worker) << ", before the flood " << descriptors_before;
  EXPECT_GE(accept_lines, 1) << "the flood never reached the descriptor limit: the test proves nothing";
  EXPECT_LE(accept_lines, flood_seconds + 1) << "more than one accept4() line a second";
  EXPECT_LE(shed_lines, flood_seconds + 1) << "more than one shed line a second";
  EXPECT_NE(log.find("since the last such line"), std::string::npos) << "the held-back repeats are not counted";

  for (int fd : idle.fds) ::close(fd);  // closed by the test only now: the server did not wait for them
  idle.fds.clear();
  EXPECT_EQ(scgi_get(server.socket(), "/hello").status, 200);
  EXPECT_EQ(server.worker_pids(), std::vector<pid_t>{worker});
}

// After an error answer the connection lingers (reading what the peer still sends) for 1 s at
// most, not for another read_timeout: a peer that keeps the socket open does not hold the worker's
// descriptor much past its 408 (it used to linger min(5 s, read_timeout): 3 s here).
TEST(DescriptorPressureTest, TheLingerAfterAnErrorAnswerIsShort) {
  TempDir dir;
  Server server(dir, config("3s"));
  const int fd = connect_unix(server.socket());
  ASSERT_GE(fd, 0);
  const std::string request = scgi_request("GET", "/hello");
  ASSERT_TRUE(write_all(fd, request.substr(0, request.size() / 2)));
  const Reply late = parse_reply(read_until_eof(fd, 5s));  // the server shuts its side after the 408
  ASSERT_EQ(late.status, 408);
  const auto answered = steady_clock::now();
  bool closed = false;
  while (!closed && ms_since(answered) < 10000) {
    closed = ::send(fd, "x", 1, MSG_NOSIGNAL) < 0 && errno == EPIPE;
    std::this_thread::sleep_for(20ms);
  }
  const long long lingered = ms_since(answered);
  ::close(fd);
  std::cout << "[ figures ] the server closed " << lingered << " ms after its 408 (read_timeout 3 s)\n";
  EXPECT_TRUE(closed);
  EXPECT_LT(lingered, 1600);
}

}  // namespace
}  // namespace pscgi::testing
