#include <pscgi/app.hpp>

#include <stdexcept>

namespace pscgi {
namespace {

class AppStage final : public Stage {
 public:
  explicit AppStage(AppPtr app) : app_(std::move(app)) {}

  std::string_view name() const noexcept override { return "app"; }

  StageResult on_request(Exchange& exchange) override {
    exchange.response = app_->handle(exchange.request());
    if (!exchange.response) throw std::logic_error("the application returned no response");
    return StageResult::answered;
  }

  void on_worker_start(const WorkerInfo& worker) override { app_->on_worker_start(worker); }

 private:
  AppPtr app_;
};

}  // namespace

StagePtr make_app_stage(AppPtr app) {
  if (!app) throw std::invalid_argument("make_app_stage needs an app");
  return std::make_unique<AppStage>(std::move(app));
}

}  // namespace pscgi
