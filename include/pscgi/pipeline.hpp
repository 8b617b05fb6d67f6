#pragma once
/// \file
/// The ordered chain of stages a worker passes every request through.

#include <functional>
#include <vector>

#include <pscgi/stage.hpp>

namespace pscgi {

/// Runs stages in order. run() never throws: an exception from a stage is logged and becomes a 500
/// (a 503 for std::bad_alloc: the request was too big for now, not wrong; the stages before it still
/// see that answer on the way out), and a request no stage answers gets a
/// 404. The last stage is usually the application, which always answers.
class Pipeline {
 public:
  Pipeline() = default;
  explicit Pipeline(std::vector<StagePtr> stages) : stages_(std::move(stages)) {}

  void append(StagePtr stage) { stages_.push_back(std::move(stage)); }

  /// Passes the exchange through the chain. Afterwards exchange.response is always set.
  void run(Exchange& exchange) noexcept;

  void on_worker_start(const WorkerInfo& worker);
  void on_worker_exit() noexcept;

  std::size_t size() const noexcept { return stages_.size(); }

 private:
  std::size_t run_inward(Exchange& exchange) noexcept;
  void run_outward(Exchange& exchange, std::size_t from) noexcept;

  std::vector<StagePtr> stages_;
};

}  // namespace pscgi
