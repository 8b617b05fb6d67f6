#include "pipeline/access_log_stage.hpp"

#include "log/logging.hpp"
#include "pipeline/clock.hpp"
#include "pipeline/exchange_internals.hpp"
#include "protocol/outgoing_response.hpp"

namespace pscgi::pipeline {
namespace {

class AccessLogStage final : public Stage {
 public:
  std::string_view name() const noexcept override { return "access_log"; }

  StageResult on_request(Exchange&) override { return StageResult::pass; }

  void on_response(Exchange& exchange) override {
    if (!log::access_log_enabled()) return;
    const Request& request = exchange.original_request();
    log::write_access({request.remote_addr(), request.method(), request.uri(), exchange.response->status(),
                       protocol::OutgoingResponse::size_of(exchange),
                       std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - exchange.accepted_at()),
                       to_string(cache_outcome(exchange))});
  }
};

}  // namespace

StagePtr make_access_log_stage() { return std::make_unique<AccessLogStage>(); }

}  // namespace pscgi::pipeline
