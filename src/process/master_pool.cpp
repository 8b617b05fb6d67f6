// The master's decisions from the scoreboard: which workers are ready, hung or due, when a new
// generation takes over, when the adaptive pool grows or shrinks, and how workers are started and
// retired. Apache prefork's perform_idle_server_maintenance and gunicorn's manage_workers and
// murder_workers are the models; unlike them, a worker that reached a limit is replaced before
// it is told to go, so capacity never dips.

#include "process/master.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>

namespace pscgi::process {
namespace {

long long to_ms(Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

// Two workers drawing the same budget would leave together; a few draws make that rare when the
// jitter has room, and cost nothing when it has not.
constexpr int budget_draws = 32;

}  // namespace

bool Master::is_active(const WorkerRecord& worker) const noexcept {
  return worker.generation == generation_ && !worker.retiring && !worker.killed && worker.replaced_by == 0;
}

int Master::active_count() const noexcept {
  return static_cast<int>(std::count_if(table_.all().begin(), table_.all().end(),
                                        [this](const WorkerRecord& w) { return is_active(w); }));
}

// A worker that answered since the last look was busy in between, even if it is idle now: the
// adaptive pool's idle clock restarts.
void Master::observe_workers() {
  const Clock::time_point now = os_.now();
  for (WorkerRecord& worker : table_.all()) {
    SlotSnapshot seen = scoreboard_.read(worker.slot);
    if (!worker.ready && seen.lifecycle != Lifecycle::starting && seen.lifecycle != Lifecycle::empty) {
      worker.ready = true;
      worker.idle_since = now;
    }
    if (seen.busy() || seen.requests != worker.seen.requests) worker.idle_since = now;
    worker.seen = std::move(seen);
  }
}

// The clock is the slot's monotonic start time of the current request: a hung handler holds the
// worker's only thread, so the worker itself cannot notice.
void Master::kill_hung_workers() {
  const Clock::time_point now = os_.now();
  for (WorkerRecord& worker : table_.all()) {
    const auto settings = settings_by_generation_.find(worker.generation);
    const Clock::duration timeout = settings != settings_by_generation_.end() ? settings->second.timeout : settings_.timeout;
    if (timeout <= Clock::duration::zero() || worker.killed || !worker.ready) continue;
    if (worker.seen.lifecycle == Lifecycle::empty || worker.seen.activity != Activity::handling) continue;
    const Clock::duration ran = now - worker.seen.request_started;
    if (ran <= timeout) continue;
    spdlog::warn("worker {} (pid {}, gen {}) has been handling \"{}\" for {} ms, past workers.timeout ({} ms); killing it",
                 worker.slot, worker.pid, worker.generation, worker.seen.request, to_ms(ran), to_ms(timeout));
    kill(worker, ExitReason::timeout);
  }
}

void Master::kill_overdue_retirees() {
  const Clock::time_point now = os_.now();
  for (WorkerRecord& worker : table_.all()) {
    if (!worker.retiring || worker.killed || now < worker.retire_deadline) continue;
    spdlog::warn("worker {} (pid {}, gen {}) did not finish within workers.graceful_timeout; killing it", worker.slot,
                 worker.pid, worker.generation);
    kill(worker, worker.exit_reason);
  }
}

// Old workers leave one by one as new ones become ready: the old generation keeps serving until
// the new one can take its load.
void Master::retire_previous_generations() {
  const int ready_new = static_cast<int>(std::count_if(table_.all().begin(), table_.all().end(),
                                                       [this](const WorkerRecord& w) { return is_active(w) && w.ready; }));
  std::vector<WorkerRecord*> old;
  for (WorkerRecord& worker : table_.all()) {
    if (worker.generation != generation_ && !worker.retiring && !worker.killed) old.push_back(&worker);
  }
  const auto allowed = static_cast<std::size_t>(std::max(0, target_ - ready_new));
  if (old.size() <= allowed) return;
  // Idle ones first, then the oldest: a busy worker finishes its request either way, but an idle
  // one leaves at once.
  std::sort(old.begin(), old.end(), [](const WorkerRecord* a, const WorkerRecord* b) {
    if (a->seen.busy() != b->seen.busy()) return !a->seen.busy();
    return a->started_at < b->started_at;
  });
  for (std::size_t i = 0; i < old.size() - allowed; ++i) retire(*old[i], ExitReason::reload);
}

// Replacement first: a due worker keeps serving until the worker started in its place is ready,
// and at most max_recycling are being replaced at once, so the pool never shrinks and the caches
// do not all go cold together.
void Master::recycle_due_workers() {
  for (WorkerRecord& worker : table_.all()) {
    if (worker.replaced_by == 0 || worker.retiring) continue;
    const WorkerRecord* successor = table_.find_slot(worker.replaced_by);
    if (successor != nullptr && successor->ready) {
      retire(worker, worker.seen.due_reason != ExitReason::none ? worker.seen.due_reason : ExitReason::max_requests);
    }
  }
  int in_progress = static_cast<int>(std::count_if(table_.all().begin(), table_.all().end(),
                                                   [](const WorkerRecord& w) { return w.replaced_by != 0; }));
  std::vector<std::pair<Clock::time_point, int>> due;  // (started, slot): the oldest go first
  for (const WorkerRecord& worker : table_.all()) {
    if (is_active(worker) && worker.seen.lifecycle == Lifecycle::due) due.emplace_back(worker.started_at, worker.slot);
  }
  std::sort(due.begin(), due.end());
  for (const auto& [started, slot] : due) {
    if (in_progress >= settings_.max_recycling) return;
    const int successor = spawn(slot);
    if (successor == 0) return;
    ++in_progress;
    const WorkerRecord* worker = table_.find_slot(slot);
    spdlog::info("worker {} (pid {}, gen {}) is due ({}); starting its replacement in slot {}", worker->slot, worker->pid,
                 worker->generation, exit_reason_name(worker->seen.due_reason), successor);
  }
}

// Grow while all workers but `spare` are busy, one per spawn_interval; shrink while more than
// spare + 1 have been idle for idle_timeout. Starting workers count as idle, so a surge is not
// answered twice.
void Master::follow_load() {
  if (!settings_.adaptive) return;
  const Clock::time_point now = os_.now();
  int active = 0, busy = 0, idle_long = 0;
  for (const WorkerRecord& worker : table_.all()) {
    if (!is_active(worker)) continue;
    ++active;
    if (worker.ready && worker.seen.busy()) ++busy;
    else if (worker.ready && now - worker.idle_since >= settings_.idle_timeout) ++idle_long;
  }
  if (active < target_) return;  // still starting what was decided
  const bool interval_passed = last_growth_ == Clock::time_point{} || now - last_growth_ >= settings_.spawn_interval;
  if (active - busy <= settings_.spare && target_ < settings_.max_workers && interval_passed) {
    ++target_;
    last_growth_ = now;
    spdlog::info("pool grows to {} worker(s): {} of {} busy", target_, busy, active);
    return;
  }
  if (idle_long > settings_.spare + 1 && target_ > settings_.min_workers) {
    --target_;
    spdlog::info("pool shrinks to {} worker(s): {} idle for {} ms or more", target_, idle_long, to_ms(settings_.idle_timeout));
  }
}

void Master::maintain_worker_count() {
  while (active_count() > target_) {
    WorkerRecord* worker = pick_worker_to_retire();
    if (worker == nullptr) break;
    retire(*worker, ExitReason::scale_down);
  }
  if (os_.now() < respawn_not_before_) return;
  while (active_count() < target_) {
    if (spawn() == 0) {
      respawn_not_before_ = os_.now() + std::chrono::milliseconds(100);
      return;
    }
    // Only one new worker per turn while failures are recent, so a crash loop cannot fork-bomb.
    if (quick_failures_ > 0) return;
  }
}

// The one idle longest, else one still starting, else the highest slot: the one whose leaving
// costs least.
WorkerRecord* Master::pick_worker_to_retire() {
  WorkerRecord* pick = nullptr;
  auto cost = [](const WorkerRecord& w) { return !w.ready ? 1 : w.seen.busy() ? 2 : 0; };
  for (WorkerRecord& worker : table_.all()) {
    if (!is_active(worker)) continue;
    if (pick == nullptr || cost(worker) < cost(*pick) ||
        (cost(worker) == cost(*pick) && (cost(worker) == 0 ? worker.idle_since < pick->idle_since : worker.slot > pick->slot))) {
      pick = &worker;
    }
  }
  return pick;
}

int Master::spawn(int replaces_slot) {
  const int slot = table_.first_free_slot();
  if (slot > scoreboard_.capacity()) {
    spdlog::error("no free scoreboard slot for another worker ({} in use)", table_.size());
    return 0;
  }
  const WorkerSpec spec{slot, generation_, draw_budget(), draw_lifetime()};
  const ExitReason previous = scoreboard_.read(slot).previous_exit;
  scoreboard_.claim(slot, generation_);
  const pid_t pid = os_.spawn_worker(spec);
  if (pid < 0) {
    scoreboard_.release(slot, previous);
    return 0;
  }
  scoreboard_.set_pid(slot, pid);
  WorkerRecord record;
  record.slot = slot;
  record.pid = pid;
  record.generation = generation_;
  record.started_at = os_.now();
  record.request_budget = spec.request_budget;
  record.replaces = replaces_slot;
  record.seen = scoreboard_.read(slot);
  table_.add(record);
  if (replaces_slot != 0) {
    if (WorkerRecord* due = table_.find_slot(replaces_slot)) due->replaced_by = slot;
  }
  return slot;
}

void Master::retire(WorkerRecord& worker, ExitReason reason) {
  if (worker.retiring || worker.killed) return;
  worker.retiring = true;
  worker.exit_reason = reason;
  const auto settings = settings_by_generation_.find(worker.generation);
  worker.retire_deadline = os_.now() + (settings != settings_by_generation_.end() ? settings->second : settings_).graceful_timeout;
  if (reason != ExitReason::stop) {
    spdlog::info("retiring worker {} (pid {}, gen {}): {}", worker.slot, worker.pid, worker.generation, exit_reason_name(reason));
  }
  os_.send_signal(worker.pid, SIGTERM);
}

void Master::kill(WorkerRecord& worker, ExitReason reason) {
  os_.send_signal(worker.pid, SIGKILL);
  worker.killed = true;
  if (worker.exit_reason == ExitReason::none || reason == ExitReason::timeout) worker.exit_reason = reason;
}

// From [max_requests, max_requests + jitter]: the floor keeps every worker's budget at least the
// configured one, and a budget another live worker has is drawn again.
std::uint64_t Master::draw_budget() {
  if (settings_.max_requests == 0) return 0;
  std::uniform_int_distribution<std::uint64_t> draw(settings_.max_requests, settings_.max_requests + settings_.max_requests_jitter);
  std::uint64_t budget = draw(random_);
  for (int i = 1; i < budget_draws; ++i) {
    const bool taken = std::any_of(table_.all().begin(), table_.all().end(),
                                   [budget](const WorkerRecord& w) { return w.request_budget == budget; });
    if (!taken) break;
    budget = draw(random_);
  }
  return budget;
}

Clock::duration Master::draw_lifetime() {
  if (settings_.max_lifetime <= Clock::duration::zero()) return Clock::duration::zero();
  const auto spread = settings_.max_lifetime.count() * settings_.max_lifetime_jitter_percent / 100;
  std::uniform_int_distribution<Clock::rep> draw(0, spread);
  return settings_.max_lifetime + Clock::duration(draw(random_));
}

}  // namespace pscgi::process
