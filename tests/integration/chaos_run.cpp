#include "chaos_run.hpp"

#include "lifecycle/lifecycle_support.hpp"
#include "process_figures.hpp"
#include "worker_titles.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <thread>

namespace pscgi::testing {
namespace {

using Clock = std::chrono::steady_clock;

// The pseudo-header a client adds to its Reply: what it asked for, so the check knows what to expect.
const std::string asked_header = "X-Test-Asked";
constexpr std::chrono::milliseconds client_pause{2};
constexpr int warm_up_requests = 30;

}  // namespace

std::chrono::seconds chaos_duration() {
  const char* value = std::getenv("PSCGI_CHAOS_SECONDS");
  const long seconds = value != nullptr ? std::atol(value) : 0;
  return std::chrono::seconds(seconds > 0 ? seconds : 15);
}

std::string describe_reasons(const std::map<std::string, long>& why) {
  std::string text;
  for (const auto& [reason, count] : why) text += (text.empty() ? "" : ", ") + reason + "×" + std::to_string(count);
  return text.empty() ? "none" : text;
}

ChaosRun::ChaosRun(std::string name, const std::string& config, ChaosTraffic traffic)
    : name_(std::move(name)), traffic_(std::move(traffic)) {
  server_ = std::make_unique<Server>(dir_, config);
  nginx_ = std::make_unique<Nginx>(dir_, server_->socket());
  const WorkersSeen start = wait_for_workers(server_->pid(), exactly_serving(workers), 15s);
  if (!start.ok) throw std::runtime_error("the pool did not come up: " + describe(start.last) + "\n" + server_->log());
  warm_up();
  figures_.master_fds_before = open_descriptors(server_->pid());
  figures_.master_rss_before = rss_kib(server_->pid());
  figures_.worker_rss_before = mean_worker_rss();
  sample_workers();

  const int port = nginx_->port();
  auto exchange = [this, port] {
    const std::string target = traffic_.target(issued_.fetch_add(1));
    Reply reply = http_request(port, "GET", target);
    reply.headers.emplace_back(asked_header, target);
    return reply;
  };
  load_ = std::make_unique<LoadGenerator>(LoadGenerator::Options{.clients = clients, .pause = client_pause}, exchange,
                                          [this](const Reply& reply) { return check(reply); });
}

ChaosRun::~ChaosRun() {
  if (load_) load_->stop();
}

// The answer a client wanted, or why not; every reason is counted (the load generator keeps only the
// first few in detail).
std::string ChaosRun::check(const Reply& reply) {
  const std::string target = reply.header(asked_header).value_or("");
  const int expected = traffic_.expected_status(target);
  std::string why = expect_status(expected)(reply);
  if (why.empty()) return why;
  const std::string reason = !reply.ok ? "no answer" : reply.status != expected ? std::to_string(reply.status) : "short body";
  std::lock_guard lock(mutex_);
  ++why_[reason];
  return why + " (" + target + ")";
}

void ChaosRun::warm_up() const {
  for (int i = 0; i < warm_up_requests; ++i) http_request(nginx_->port(), "GET", traffic_.target(i));
}

long ChaosRun::mean_worker_rss() const {
  const std::vector<WorkerProcess> pool = list_workers(server_->pid());
  if (pool.empty()) return 0;
  long total = 0;
  for (const WorkerProcess& w : pool) total += rss_kib(w.pid);
  return total / static_cast<long>(pool.size());
}

void ChaosRun::sample_workers() {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  std::map<pid_t, Clock::time_point> alive;
  for (const WorkerProcess& w : list_workers(server_->pid())) {
    if (!w.worker) continue;  // forked a moment ago: not yet a worker
    const auto seen = first_seen_.find(w.pid);
    alive[w.pid] = seen == first_seen_.end() ? now : seen->second;
    every_worker_.insert(w.pid);
    figures_.worker_rss_peak = std::max(figures_.worker_rss_peak, rss_kib(w.pid));
  }
  first_seen_ = std::move(alive);
}

std::map<pid_t, Clock::time_point> ChaosRun::workers_first_seen() const {
  std::lock_guard lock(mutex_);
  return first_seen_;
}

void ChaosRun::disturb_for(std::chrono::milliseconds interval, const std::function<void(int)>& disturb) {
  const auto end = Clock::now() + chaos_duration();
  auto next = Clock::now() + interval;
  for (int tick = 0; Clock::now() < end; ++tick) {
    while (Clock::now() < next) {
      sample_workers();
      std::this_thread::sleep_for(50ms);
    }
    next += interval;
    disturb(tick);
  }
}

std::string ChaosRun::failure_report() const {
  std::lock_guard lock(mutex_);
  return describe_reasons(why_) + "; " + load_->failure_report();
}

ChaosFigures ChaosRun::finish(const std::string& what) {
  load_->stop();
  figures_.sent = load_->successes() + load_->failures();
  figures_.failed = load_->failures();
  {
    std::lock_guard lock(mutex_);
    figures_.why = why_;
  }
  // Recycle the pool so that the workers' memory is a fresh worker's again, then settle.
  const pid_t master = server_->pid();
  const int generation = master_generation(master) + 1;
  server_->signal(SIGHUP);
  const WorkersSeen recycled = wait_for_workers(master, exactly_serving(workers, generation), 30s);
  figures_.recycled = recycled.ok;
  if (!recycled.ok) figures_.trouble += "the pool was not recycled: " + describe(recycled.last) + "\n";
  sample_workers();
  warm_up();
  figures_.worker_rss_after = mean_worker_rss();
  wait_until([&] { return open_descriptors(master) <= figures_.master_fds_before; }, 10s, 100ms);
  figures_.master_fds_after = open_descriptors(master);
  figures_.master_rss_after = rss_kib(master);
  wait_until([&] { return zombie_children(master).empty(); }, 5s);
  figures_.zombies = static_cast<int>(zombie_children(master).size());

  server_->signal(SIGTERM);
  const std::optional<int> status = server_->wait_exit(30s);
  figures_.master_exited = status.has_value();
  if (!status) figures_.trouble += "the master did not exit within 30 s\n";
  for (const WorkerProcess& w : recycled.last) every_worker_.insert(w.pid);
  const std::vector<pid_t> seen(every_worker_.begin(), every_worker_.end());
  wait_processes_gone(seen, 5s);
  figures_.orphans = static_cast<int>(pscgi_processes_among(seen).size());
  figures_.workers_seen = static_cast<int>(seen.size());

  std::cout << "[ chaos    ] " << name_ << " | " << what << " | " << figures_.sent << " sent | " << figures_.failed
            << " failed (" << describe_reasons(figures_.why) << ") | " << figures_.zombies << " zombies | "
            << figures_.orphans << " orphans of " << figures_.workers_seen << " workers | master fds "
            << figures_.master_fds_before << " → " << figures_.master_fds_after << " | master RSS "
            << figures_.master_rss_before << " → " << figures_.master_rss_after << " KiB | worker RSS "
            << figures_.worker_rss_before << " → peak " << figures_.worker_rss_peak << " → recycled "
            << figures_.worker_rss_after << " KiB |" << std::endl;
  return figures_;
}

}  // namespace pscgi::testing
