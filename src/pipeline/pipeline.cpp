#include <pscgi/pipeline.hpp>

#include "log/escape.hpp"
#include "pipeline/exchange_internals.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <new>

namespace pscgi {
namespace {

// Logging must not throw out of a noexcept function, whatever the sink does. The method and URI are
// the client's, and an exception's message may quote them: all three are escaped (log/escape.hpp).
void log_stage_failure(const Stage& stage, const Exchange& exchange, const char* what, const char* when) noexcept {
  try {
    const Request& request = exchange.original_request();
    spdlog::error("stage '{}' threw {}: {} (request {} {})", stage.name(), when, log::Escaped{what},
                  log::Escaped{request.method()}, log::Escaped{request.uri()});
  } catch (...) {
  }
}

// Made at start-up, so that answering a failure never needs memory that may be what ran out.
const ResponsePtr prebuilt_internal_error = make_error_response(500);

const ResponsePtr prebuilt_unavailable = make_error_response(503);

ResponsePtr internal_error() noexcept { return prebuilt_internal_error; }

// A stage that ran out of memory has no bug to report: the request was too big for what the worker
// may hold now, and 503 says to try again (docs/reliability.md, "Large and hostile request bodies").
ResponsePtr failure_response(const std::exception& e) noexcept {
  return dynamic_cast<const std::bad_alloc*>(&e) != nullptr ? prebuilt_unavailable : prebuilt_internal_error;
}

}  // namespace

// Returns the index of the stage that answered (or failed), or size() when nobody answered.
std::size_t Pipeline::run_inward(Exchange& exchange) noexcept {
  for (std::size_t i = 0; i < stages_.size(); ++i) {
    Stage& stage = *stages_[i];
    try {
      if (stage.on_request(exchange) == StageResult::answered) {
        if (!exchange.response) {
          log_stage_failure(stage, exchange, "answered without a response", "in on_request");
          exchange.response = internal_error();
        }
        return i;
      }
    } catch (const std::exception& e) {
      log_stage_failure(stage, exchange, e.what(), "in on_request");
      exchange.response = failure_response(e);
      return i;
    } catch (...) {
      log_stage_failure(stage, exchange, "a non-standard exception", "in on_request");
      exchange.response = internal_error();
      return i;
    }
  }
  try {
    exchange.response = make_error_response(404);
  } catch (...) {
    exchange.response = internal_error();
  }
  return stages_.size();
}

void Pipeline::run_outward(Exchange& exchange, std::size_t from) noexcept {
  for (std::size_t i = from; i-- > 0;) {
    Stage& stage = *stages_[i];
    try {
      stage.on_response(exchange);
    } catch (const std::exception& e) {
      log_stage_failure(stage, exchange, e.what(), "in on_response");
      exchange.response = failure_response(e);
    } catch (...) {
      log_stage_failure(stage, exchange, "a non-standard exception", "in on_response");
      exchange.response = internal_error();
    }
    if (!exchange.response) exchange.response = internal_error();
  }
}

void Pipeline::run(Exchange& exchange) noexcept {
  exchange.response.reset();
  run_outward(exchange, run_inward(exchange));
  try {
    pipeline::add_outer_cache_header(exchange);
  } catch (...) {
    // Out of memory for one short header: the answer goes out without it, and nginx follows the
    // response's own Cache-Control and Expires, as it does when cache.outer is off.
  }
}

void Pipeline::on_worker_start(const WorkerInfo& worker) {
  for (auto& stage : stages_) stage->on_worker_start(worker);
}

void Pipeline::on_worker_exit() noexcept {
  for (auto& stage : stages_) {
    try {
      stage->on_worker_exit();
    } catch (const std::exception& e) {
      spdlog::warn("stage '{}' failed at worker exit: {}", stage->name(), log::Escaped{e.what()});
    } catch (...) {
    }
  }
}

}  // namespace pscgi
