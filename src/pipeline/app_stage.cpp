#include <pscgi/app.hpp>
#include <pscgi/errors.hpp>
#include <pscgi/responses.hpp>

#include "log/escape.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace pscgi {
namespace {

class AppStage final : public Stage {
 public:
  explicit AppStage(AppPtr app) : app_(std::move(app)) {}

  std::string_view name() const noexcept override { return "app"; }

  // An HttpError is an answer the app chose (BadRequest: the client's mistake), so it is answered
  // here with its status and message; every other exception goes on to the pipeline's logged 500.
  StageResult on_request(Exchange& exchange) override {
    const Request& request = exchange.request();
    try {
      exchange.response = app_->handle(request);
    } catch (const HttpError& e) {
      spdlog::info("app answered {}: {} (request {} {})", e.status(), log::Escaped{e.what()},
                   log::Escaped{request.method()}, log::Escaped{request.uri()});
      exchange.response = error(e.status(), e.what());
    }
    if (!exchange.response) throw std::logic_error("the application returned no response");
    return StageResult::answered;
  }

  void on_worker_start(const WorkerInfo& worker) override { app_->on_worker_start(worker); }
  void on_worker_exit() override { app_->on_worker_exit(); }

 private:
  AppPtr app_;
};

}  // namespace

StagePtr make_app_stage(AppPtr app) {
  if (!app) throw std::invalid_argument("make_app_stage needs an app");
  return std::make_unique<AppStage>(std::move(app));
}

}  // namespace pscgi
