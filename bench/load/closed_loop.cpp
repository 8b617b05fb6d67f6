// The closed loop: C slots, each starting its next exchange as soon as the previous one completes,
// as a pool of C synchronous clients would. Throughput adapts to the server; latency is measured
// from each exchange's actual start.

#include "runner.hpp"

#include <vector>

namespace pscgi::load {
namespace {

class ClosedLoop final : public LoadRunner {
 public:
  ClosedLoop(const RunPlan& plan, std::uint64_t seed, int connections)
      : LoadRunner(plan, seed), connections_(connections) {}

 private:
  void begin() override {
    for (int i = 0; i < connections_; ++i) {
      slots_.push_back(make_exchange([this](Exchange& slot, const ExchangeResult& result) {
        record(result, Clock::now());
        if (!result.aborted) start_next(slot);
      }));
      ++active_;
    }
    for (auto& slot : slots_) start_next(*slot);
  }

  void start_next(Exchange& slot) {
    const auto now = Clock::now();
    if (halted_ || now >= plan_.deadline || !take_ticket(now)) {
      // This slot is done; the last one to finish ends the run (the --requests case).
      if (--active_ == 0) all_done(now);
      return;
    }
    slot.start(next_request(), now);
  }

  void halt(Clock::time_point) override {
    for (auto& slot : slots_) slot->abort();
  }

  int connections_;
  int active_ = 0;
  std::vector<std::unique_ptr<Exchange>> slots_;
};

}  // namespace

std::unique_ptr<LoadRunner> make_closed_loop(const RunPlan& plan, std::uint64_t seed,
                                             int connections) {
  return std::make_unique<ClosedLoop>(plan, seed, connections);
}

}  // namespace pscgi::load
