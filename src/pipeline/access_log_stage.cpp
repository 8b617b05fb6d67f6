#include "pipeline/access_log_stage.hpp"

#include "log/logging.hpp"
#include "pipeline/clock.hpp"

namespace pscgi::pipeline {
namespace {

class AccessLogStage final : public Stage {
 public:
  std::string_view name() const noexcept override { return "access_log"; }

  StageResult on_request(Exchange&) override { return StageResult::pass; }

  void on_response(Exchange& exchange) override {
    if (!log::access_log_enabled()) return;
    const Request& request = exchange.original_request();
    std::size_t bytes = exchange.response->wire().size();
    for (const Header& h : exchange.extra_headers) bytes += h.name.size() + h.value.size() + 4;
    log::write_access({request.remote_addr(), request.method(), request.uri(), exchange.response->status(), bytes,
                       std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - exchange.accepted_at()),
                       exchange.cache_outcome});
  }
};

}  // namespace

StagePtr make_access_log_stage() { return std::make_unique<AccessLogStage>(); }

}  // namespace pscgi::pipeline
