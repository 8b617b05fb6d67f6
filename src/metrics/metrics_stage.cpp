#include "metrics/metrics_stage.hpp"

#include "log/escape.hpp"
#include "metrics/allow_list.hpp"
#include "metrics/json_text.hpp"
#include "metrics/prometheus_text.hpp"
#include "metrics/snapshot.hpp"
#include "process/scoreboard.hpp"

#include <pscgi/response.hpp>

#include <spdlog/spdlog.h>

#include <string>

namespace pscgi::metrics {
namespace {

enum class Format { prometheus, json };

class MetricsStage final : public Stage {
 public:
  MetricsStage(const config::MetricsSettings& settings, std::shared_ptr<process::Scoreboard> scoreboard)
      : path_(settings.path),
        allow_(AllowList::parse(settings.allow)),
        scoreboard_(std::move(scoreboard)),
        forbidden_(make_error_response(403)),
        not_allowed_(ResponseBuilder(405).header("Allow", "GET, HEAD").content_type("text/plain; charset=utf-8")
                         .header("Cache-Control", "no-store").uncacheable().body("Method Not Allowed\n").finish()) {}

  std::string_view name() const noexcept override { return "metrics"; }

  StageResult on_request(Exchange& exchange) override {
    const Request& request = exchange.original_request();
    const std::string_view path = request.path();
    if (!path.starts_with(path_)) return StageResult::pass;  // the one comparison every other request pays
    const std::string_view rest = path.substr(path_.size());
    if (!rest.empty() && rest != ".json") return StageResult::pass;
    exchange.response = answer(request, rest.empty() ? Format::prometheus : Format::json);
    return StageResult::answered;
  }

 private:
  ResponsePtr answer(const Request& request, Format format) const {
    const std::optional<std::string_view> remote = request.find("REMOTE_ADDR");
    if (!allow_.permits(remote)) {
      // The path and REMOTE_ADDR are the client's (log/escape.hpp).
      spdlog::warn("metrics: refused \"{}\" to {}: not in metrics.allow", log::Escaped{request.path()},
                   log::Escaped{remote && !remote->empty() ? *remote : std::string_view("a client without REMOTE_ADDR")});
      return forbidden_;
    }
    if (request.method() != "GET" && request.method() != "HEAD") return not_allowed_;
    if (!scoreboard_) {
      spdlog::error("metrics: no scoreboard to read (the pipeline was built without one)");
      return make_error_response(503);
    }
    const MetricsSnapshot snapshot = take_snapshot(*scoreboard_, Clock::now());
    const bool text = format == Format::prometheus;
    return ResponseBuilder(200)
        .content_type(std::string(text ? prometheus_content_type : json_content_type))
        .header("Cache-Control", "no-store")
        .uncacheable()
        .no_etag()
        .body(text ? render_prometheus(snapshot) : render_json(snapshot))
        .finish();
  }

  std::string path_;
  AllowList allow_;
  std::shared_ptr<process::Scoreboard> scoreboard_;
  ResponsePtr forbidden_;
  ResponsePtr not_allowed_;
};

}  // namespace

StagePtr make_metrics_stage(const config::Config& config, const pipeline::StageDependencies& dependencies) {
  if (!config.metrics) return nullptr;
  return std::make_unique<MetricsStage>(*config.metrics, dependencies.scoreboard);
}

}  // namespace pscgi::metrics
