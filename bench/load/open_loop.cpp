// The open loop: exchanges are scheduled at fixed times from the start, whatever the server does,
// as independent users would arrive. An exchange that finds every slot busy waits in a queue, and
// its latency still counts from its scheduled time: when the server falls behind, the wait shows
// in the percentiles instead of silently lowering the offered rate (coordinated omission).

#include "runner.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cmath>
#include <deque>
#include <vector>

namespace pscgi::load {
namespace {

class OpenLoop final : public LoadRunner {
 public:
  OpenLoop(const RunPlan& plan, std::uint64_t seed,
           std::chrono::duration<double, std::nano> interval,
           std::chrono::duration<double, std::nano> phase, int max_in_flight)
      : LoadRunner(plan, seed),
        interval_(interval),
        phase_(phase),
        max_in_flight_(static_cast<std::size_t>(max_in_flight)),
        tick_(context_) {}

 private:
  // The k-th scheduled time, computed from the start rather than by adding intervals, so rounding
  // never accumulates into drift.
  Clock::time_point scheduled(std::uint64_t k) const {
    const double offset = phase_.count() + static_cast<double>(k) * interval_.count();
    return plan_.start + std::chrono::nanoseconds(std::llround(offset));
  }

  void begin() override { on_tick(); }

  void on_tick() {
    const auto now = Clock::now();
    // Everything due by now is queued at once: a late timer must not lower the offered rate.
    while (!scheduling_done_) {
      const auto due = scheduled(next_);
      if (due > now) break;
      if (due >= plan_.deadline || !take_ticket(due)) {
        scheduling_done_ = true;
        break;
      }
      pending_.push_back(due);
      ++next_;
    }
    dispatch();
    if (!scheduling_done_) {
      tick_.expires_at(scheduled(next_));
      tick_.async_wait([this](const boost::system::error_code& error) {
        if (!error && !halted_) on_tick();
      });
    }
    finish_if_idle(now);
  }

  void dispatch() {
    while (!pending_.empty() && in_flight_ < max_in_flight_) {
      Exchange& slot = idle_slot();
      ++in_flight_;
      slot.start(next_request(), pending_.front());
      pending_.pop_front();
    }
  }

  Exchange& idle_slot() {
    if (!idle_.empty()) {
      Exchange* slot = idle_.back();
      idle_.pop_back();
      return *slot;
    }
    slots_.push_back(make_exchange([this](Exchange& slot, const ExchangeResult& result) {
      const auto now = Clock::now();
      record(result, now);
      --in_flight_;
      idle_.push_back(&slot);
      if (result.aborted) return;
      dispatch();
      finish_if_idle(now);
    }));
    return *slots_.back();
  }

  void finish_if_idle(Clock::time_point now) {
    if (scheduling_done_ && pending_.empty() && in_flight_ == 0) all_done(now);
  }

  void halt(Clock::time_point) override {
    scheduling_done_ = true;
    tick_.cancel();
    for (const auto& due : pending_) count_unsent(due);
    pending_.clear();
    for (auto& slot : slots_) slot->abort();
  }

  std::chrono::duration<double, std::nano> interval_;
  std::chrono::duration<double, std::nano> phase_;
  std::size_t max_in_flight_;
  boost::asio::steady_timer tick_;
  std::uint64_t next_ = 0;
  bool scheduling_done_ = false;
  std::deque<Clock::time_point> pending_;
  std::size_t in_flight_ = 0;
  std::vector<std::unique_ptr<Exchange>> slots_;
  std::vector<Exchange*> idle_;
};

}  // namespace

std::unique_ptr<LoadRunner> make_open_loop(const RunPlan& plan, std::uint64_t seed,
                                           std::chrono::duration<double, std::nano> interval,
                                           std::chrono::duration<double, std::nano> phase,
                                           int max_in_flight) {
  return std::make_unique<OpenLoop>(plan, seed, interval, phase, max_in_flight);
}

}  // namespace pscgi::load
