#pragma once
/// \file
/// A Stage is one step of the request pipeline: it sees the request on the way in and either answers
/// it or passes it on, then sees the response on the way out, in reverse order.

#include <memory>
#include <string_view>

#include <pscgi/exchange.hpp>

namespace pscgi {

/// What a stage did with a request. This is the whole contract of on_request.
enum class StageResult {
  /// The stage did not answer. It MUST NOT have set exchange.response. The pipeline calls the next
  /// stage; if no stage answers, the answer is 404.
  pass,
  /// The stage answered. It MUST have set exchange.response. No later stage runs; the stages before
  /// this one see the response in on_response, nearest first. This stage's own on_response is not
  /// called: it already knows the answer.
  answered,
};

/// Facts about the worker a stage runs in, given once after fork.
struct WorkerInfo {
  int pid = 0;
  int slot = 0;  ///< the worker's scoreboard slot, from 1 (numbers are reused once a worker has gone)
};

/// One step of the pipeline. Stages are created in the master before fork, so their memory is shared
/// copy-on-write; anything that must not be shared (sockets, threads, random generators) belongs in
/// on_worker_start. A worker calls a stage from one thread only.
class Stage {
 public:
  virtual ~Stage() = default;
  Stage() = default;
  Stage(const Stage&) = delete;
  Stage& operator=(const Stage&) = delete;

  /// A short name for logs and config ("cache", "access_log").
  virtual std::string_view name() const noexcept = 0;
  /// See StageResult. May throw: the pipeline turns an exception into a logged 500 (503 for std::bad_alloc).
  virtual StageResult on_request(Exchange& exchange) = 0;
  /// Sees exchange.response on the way out. May replace it with a new object; cannot modify it.
  virtual void on_response(Exchange& exchange) { (void)exchange; }
  /// Called in each worker after fork, before it serves its first request.
  virtual void on_worker_start(const WorkerInfo& worker) { (void)worker; }
  /// Called in each worker when it is about to exit cleanly (log counters, flush).
  virtual void on_worker_exit() {}
};

using StagePtr = std::unique_ptr<Stage>;

}  // namespace pscgi
