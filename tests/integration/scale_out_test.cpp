// Scale-out: two pscgi instances on two loopback TCP ports behind one nginx upstream, with the
// upstream and retry settings of the shipped config/nginx-upstream.conf (the test reads that file
// and only replaces its ports, so the shipped site is what is tested). Under continuous load, one
// instance stops gracefully: no request may fail. It comes back, and the other loses its workers
// to SIGKILL one by one: only requests inside a killed worker may fail, and nginx's retry should
// hide even those.

#include "harness.hpp"
#include "lifecycle/lifecycle_support.hpp"
#include "load_generator.hpp"
#include "worker_titles.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>

namespace pscgi::testing {
namespace {

const std::string kShippedSite = PSCGI_FIXTURES_DIR "/../../config/nginx-upstream.conf";
constexpr int kWorkers = 3;
constexpr int kClients = 4;      // /hello: who answered
constexpr int kSlowClients = 2;  // /work?ms=30 while B's workers are killed

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) {
    throw std::runtime_error("config/nginx-upstream.conf no longer has exactly one \"" + from + "\"");
  }
  text.replace(at, from.size(), to);
}

// The shipped site with the test's ports: its two upstream servers and the port nginx listens on.
std::string shipped_site_on(int nginx_port, int port_a, int port_b) {
  std::string site = read_file(kShippedSite);
  replace_once(site, "server 127.0.0.1:4001 ", "server 127.0.0.1:" + std::to_string(port_a) + " ");
  replace_once(site, "server 127.0.0.1:4002 ", "server 127.0.0.1:" + std::to_string(port_b) + " ");
  replace_once(site, "listen 127.0.0.1:8080;", "listen 127.0.0.1:" + std::to_string(nginx_port) + ";");
  return site;
}

// One instance: TCP on loopback, its name as the demo app's greeting, so every /hello says who
// answered. No cache: every request reaches a worker.
std::string instance_config(int port, const std::string& name) {
  return "listen: 127.0.0.1:" + std::to_string(port) + "\n" +
         // No recycling: a worker the master is retiring when the test kills it leaves with reason
         // max_requests, not crash, and the test counts the crashes it caused.
         "workers: { count: " + std::to_string(kWorkers) + ", max_requests: 0, graceful_timeout: 10s }\n" +
         "log: { level: info, error_log: stderr, access_log: off }\n"
         "pipeline: [access_log]\n"
         "app: { type: demo, greeting: \"" + name + "\" }\n";
}

// Who answered each request: the instance (the greeting /hello shows) and the worker (its pid).
class AnswerTally {
 public:
  LoadGenerator::Check check() {
    return [this, base = expect_status(200)](const Reply& reply) -> std::string {
      if (std::string why = base(reply); !why.empty()) return why;
      const std::string instance = greeting_in(reply);
      const pid_t pid = pid_in(reply);
      if ((instance != "A" && instance != "B") || pid == 0) return "not a /hello page of instance A or B";
      std::lock_guard lock(mutex_);
      ++by_instance_[instance];
      ++by_pid_[pid];
      return {};
    };
  }
  long by_instance(const std::string& instance) const {
    std::lock_guard lock(mutex_);
    const auto it = by_instance_.find(instance);
    return it == by_instance_.end() ? 0 : it->second;
  }
  long by_pid(pid_t pid) const {
    std::lock_guard lock(mutex_);
    const auto it = by_pid_.find(pid);
    return it == by_pid_.end() ? 0 : it->second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, long> by_instance_;
  std::map<pid_t, long> by_pid_;
};

// What nginx logged about upstream trouble: each line is a try that failed and was moved on (or,
// when the client saw an error, given up).
std::string upstream_trouble(const std::string& nginx_log) {
  return "refused " + std::to_string(count_occurrences(nginx_log, "(111: Connection refused)")) + ", reset " +
         std::to_string(count_occurrences(nginx_log, "(104: Connection reset by peer)")) + ", closed early " +
         std::to_string(count_occurrences(nginx_log, "upstream prematurely closed")) + ", no live upstreams " +
         std::to_string(count_occurrences(nginx_log, "no live upstreams"));
}

// Whether the process is running on a CPU now (state R in /proc/PID/stat): a worker of the demo
// app that runs is inside a request, since an idle one sleeps in epoll_wait.
bool running(pid_t pid) {
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const auto end_of_name = stat.rfind(") ");
  return end_of_name != std::string::npos && end_of_name + 2 < stat.size() && stat[end_of_name + 2] == 'R';
}

std::function<bool(const std::vector<WorkerProcess>&)> serving_without(pid_t gone) {
  return [gone](const std::vector<WorkerProcess>& workers) {
    return exactly_serving(kWorkers)(workers) &&
           std::none_of(workers.begin(), workers.end(), [gone](const WorkerProcess& w) { return w.pid == gone; });
  };
}

TEST(ScaleOutTest, OneInstanceStopsGracefullyThenTheOtherLosesWorkersUnderLoadThroughOneUpstream) {
  TempDir dir_a, dir_b, dir_a_again, dir_nginx;
  const int port_a = free_tcp_port();
  const int port_b = free_tcp_port();
  std::optional<Server> a(std::in_place, dir_a, instance_config(port_a, "A"));
  Server b(dir_b, instance_config(port_b, "B"));
  Nginx nginx(dir_nginx, [&](int port) { return shipped_site_on(port, port_a, port_b); });
  ASSERT_TRUE(wait_for_workers(b.pid(), exactly_serving(kWorkers), 15s).ok) << b.log();

  // (a) A stops gracefully under load: nothing fails, and B answers everything from then on.
  AnswerTally tally;
  {
    SCOPED_TRACE("graceful stop of A");
    LoadGenerator load({.clients = kClients, .cap = 30000, .pause = 2ms}, http_get(nginx.port(), "/hello"), tally.check());
    const bool both = wait_until([&] { return tally.by_instance("A") >= 50 && tally.by_instance("B") >= 50; }, 20s);
    const long b_before_stop = tally.by_instance("B");
    a->signal(SIGTERM);
    const std::optional<int> status = a->wait_exit(30s);
    // Answers A sent before it exited may still be on their way through nginx to the clients (on a
    // busy machine two arrived after the exit): count A's answers once they have landed.
    std::this_thread::sleep_for(500ms);
    const long a_at_exit = tally.by_instance("A");
    const long b_at_exit = tally.by_instance("B");
    const bool b_alone = wait_until([&] { return tally.by_instance("B") >= b_at_exit + 200; }, 20s);
    load.stop();

    EXPECT_TRUE(both) << "A " << tally.by_instance("A") << ", B " << tally.by_instance("B") << "\n" << nginx.error_log();
    ASSERT_TRUE(status) << "A did not exit within 30 s:\n" << a->log();
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status << "\n" << a->log();
    EXPECT_TRUE(b_alone) << "B answered " << tally.by_instance("B") - b_at_exit << " after A exited";
    EXPECT_EQ(tally.by_instance("A"), a_at_exit) << "an answer from A after it exited";
    EXPECT_EQ(load.failures(), 0) << load.failure_report() << "\nnginx: " << nginx.error_log() << "\nA: " << a->log();
    std::cout << "[ stop A   ] " << load.successes() << " requests, " << load.failures() << " failed; A answered "
              << a_at_exit << ", B " << tally.by_instance("B") << " (" << tally.by_instance("B") - b_before_stop
              << " from A's stop on); nginx upstream errors: " << upstream_trouble(nginx.error_log()) << "\n";
  }

  // (b) A is back (on the same port, so nginx's retry has somewhere to go); B's workers are killed
  // one by one, each replacement serving before the next kill.
  a.reset();
  a.emplace(dir_a_again, instance_config(port_a, "A"));
  const std::string log_before_kills = nginx.error_log();
  {
    SCOPED_TRACE("SIGKILL of B's workers");
    LoadGenerator load({.clients = kClients, .cap = 30000, .pause = 2ms}, http_get(nginx.port(), "/hello"), tally.check());
    // Requests of 30 ms of CPU, so that a worker is often killed in the middle of one.
    LoadGenerator slow({.clients = kSlowClients, .cap = 5000, .pause = 2ms}, http_get(nginx.port(), "/work?ms=30"),
                       expect_status(200));
    const long a_before = tally.by_instance("A");
    // nginx tries a host it took out again after fail_timeout (5 s in the shipped site).
    const bool a_rejoined = wait_until([&] { return tally.by_instance("A") >= a_before + 20; }, 20s);
    ASSERT_TRUE(a_rejoined) << "the restarted A got no requests from nginx\n" << nginx.error_log();

    const WorkersSeen start = wait_for_workers(b.pid(), exactly_serving(kWorkers), 15s);
    ASSERT_TRUE(start.ok) << describe(start.last) << "\n" << b.log();
    const long a_at_first_kill = tally.by_instance("A");
    int kills = 0;
    std::string victims;
    int kills_in_request = 0;
    for (const WorkerProcess& victim : start.last) {
      const long answered = tally.by_pid(victim.pid);
      const bool in_request = wait_until([&] { return running(victim.pid); }, 3s, 1ms);
      ASSERT_EQ(::kill(victim.pid, SIGKILL), 0) << victim.pid;
      ++kills;
      kills_in_request += in_request ? 1 : 0;
      victims += " " + std::to_string(victim.pid) + " (had answered " + std::to_string(answered) + " /hello" +
                 (in_request ? ", running" : "") + ")";
      const WorkersSeen replaced = wait_for_workers(b.pid(), serving_without(victim.pid), 15s);
      ASSERT_TRUE(replaced.ok) << describe(replaced.last) << "\n" << b.log();
      const long successes = load.successes();
      ASSERT_TRUE(load.wait_successes(successes + 100, 15s)) << load.failure_report();
    }
    load.stop();
    slow.stop();

    const std::string nginx_log = nginx.error_log().substr(log_before_kills.size());
    // A client has one request in flight at a time: a killed worker held at most one per client.
    const long allowed = static_cast<long>(kills) * (kClients + kSlowClients);
    const long failed = load.failures() + slow.failures();
    EXPECT_LE(failed, allowed) << load.failure_report() << slow.failure_report() << "\nnginx: " << nginx_log
                               << "\nB: " << b.log();
    EXPECT_GT(slow.successes(), 0) << slow.failure_report();
    EXPECT_EQ(count_occurrences(b.log(), "exited: crash"), kills) << b.log();
    EXPECT_GT(tally.by_instance("A"), a_at_first_kill) << "A served no request while B's workers were killed";
    std::cout << "[ kill B   ] " << kills << " workers killed (" << kills_in_request << " while running):" << victims
              << "; " << load.successes() << " + " << slow.successes() << " requests, " << failed << " failed (at most "
              << allowed << " allowed); A answered "
              << tally.by_instance("A") - a_before << "; nginx upstream errors: " << upstream_trouble(nginx_log) << "\n";
  }
}

}  // namespace
}  // namespace pscgi::testing
