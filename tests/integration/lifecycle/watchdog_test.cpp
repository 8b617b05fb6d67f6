// The hung-request watchdog, and a worker outliving its master: what a worker does when the process
// that should look after it cannot.

#include "lifecycle_support.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <linux/sockios.h>
#include <regex>
#include <sys/ioctl.h>
#include <thread>
#include <unistd.h>

namespace pscgi::testing {
namespace {

using Clock = std::chrono::steady_clock;

TEST(WatchdogTest, ARequestPastTheTimeoutIsKilledAndTheNextSucceeds) {
  TempDir dir;
  Server server(dir, lifecycle_config("{ count: 1, timeout: 1s }"));
  const WorkersSeen start = wait_for_workers(server.pid(), exactly_serving(1), 15s);
  ASSERT_TRUE(start.ok) << describe(start.last) << "\n" << server.log();
  const pid_t hung = start.last.front().pid;

  // /work?ms=3000 burns 3 s of CPU: any answer before that, or none at all, means it was killed.
  const auto sent = Clock::now();
  const Reply reply = scgi_exchange(server.socket(), scgi_request("GET", "/work?ms=3000"), 20s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent);
  EXPECT_TRUE(!reply.ok || reply.status >= 500) << reply.raw.substr(0, 200);
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 2900ms) << "killed about workers.timeout (1 s) after it started";

  ASSERT_TRUE(server.wait_for_log("exited: timeout")) << server.log();
  const std::string log = server.log();
  const std::string killing = lines_with(log, "has been handling \"GET /work?ms=3000\" for ");
  EXPECT_NE(killing.find("(pid " + std::to_string(hung) + ", gen 1)"), std::string::npos) << log;
  EXPECT_NE(killing.find("past workers.timeout (1000 ms); killing it"), std::string::npos) << log;
  std::smatch ran;
  ASSERT_TRUE(std::regex_search(killing, ran, std::regex("for ([0-9]+) ms"))) << log;
  EXPECT_GE(std::stol(ran[1]), 1000) << killing;
  EXPECT_NE(lines_with(log, "exited: timeout").find("killed by signal 9"), std::string::npos) << log;

  const Reply next = scgi_get(server.socket(), "/hello");
  EXPECT_EQ(next.status, 200);
  EXPECT_NE(pid_in(next), hung);
}

// Waits until the peer has read everything written to the unix stream socket `fd` (its SIOCOUTQ
// is empty): the worker has the whole request.
bool taken_by_worker(int fd) {
  return wait_until(
      [fd] {
        int unread = 0;
        return ::ioctl(fd, SIOCOUTQ, &unread) == 0 && unread == 0;
      },
      10s, 1ms);
}

TEST(OrphanedWorkerTest, FinishesItsRequestAndExitsWhenTheMasterDies) {
  TempDir dir;
  Server server(dir, lifecycle_config("{ count: 1 }"));
  const WorkersSeen start = wait_for_workers(server.pid(), exactly_serving(1), 15s);
  ASSERT_TRUE(start.ok) << describe(start.last) << "\n" << server.log();
  const pid_t orphan = start.last.front().pid;

  const int fd = connect_unix(server.socket());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(write_all(fd, scgi_request("GET", "/work?ms=800")));
  ASSERT_TRUE(taken_by_worker(fd));
  server.signal(SIGKILL);
  ASSERT_TRUE(server.wait_exit(10s));

  const Reply reply = parse_reply(read_until_eof(fd, 20s));
  ::close(fd);
  EXPECT_EQ(reply.status, 200) << reply.raw.substr(0, 200);
  const bool gone = wait_processes_gone({orphan}, 15s);
  if (!gone) ::kill(orphan, SIGKILL);  // ours to clean up: the master that would have is dead
  EXPECT_TRUE(gone) << "the worker outlived its master: " << process_title(orphan);
}

}  // namespace
}  // namespace pscgi::testing
