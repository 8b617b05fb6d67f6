#include "metrics/metrics_stage.hpp"

#include "metrics/prometheus_text.hpp"
#include "process/scoreboard.hpp"

#include <pscgi/pipeline.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace pscgi::metrics {
namespace {

using ::testing::HasSubstr;

struct MetricsStageTest : ::testing::Test {
  std::shared_ptr<process::Scoreboard> board = process::Scoreboard::create(2);
  config::Config config = [] {
    config::Config c = config::default_config();
    c.metrics = config::MetricsSettings{};
    return c;
  }();
  std::ostringstream log;
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();

  MetricsStageTest() {
    auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_st>(log));
    spdlog::set_default_logger(logger);
  }
  ~MetricsStageTest() override { spdlog::set_default_logger(previous); }

  StagePtr stage() { return make_metrics_stage(config, {nullptr, board}); }

  // Runs one request through the stage alone; nullptr when it passed.
  ResponsePtr ask(Stage& s, const std::string& method, const std::string& uri, std::optional<std::string> remote) {
    std::vector<std::pair<std::string, std::string>> variables = {{"REQUEST_METHOD", method}, {"REQUEST_URI", uri}};
    if (remote) variables.emplace_back("REMOTE_ADDR", *remote);
    const Request request = Request::from_variables(variables);
    Exchange exchange(request);
    if (s.on_request(exchange) == StageResult::pass) {
      EXPECT_EQ(exchange.response, nullptr);
      return nullptr;
    }
    return exchange.response;
  }
};

TEST_F(MetricsStageTest, WithoutAMetricsSectionThereIsNoStage) {
  config.metrics.reset();
  EXPECT_EQ(stage(), nullptr);
}

TEST_F(MetricsStageTest, ItAnswersItsPathWithPrometheusTextNeverCached) {
  const StagePtr s = stage();
  const ResponsePtr r = ask(*s, "GET", "/_pscgi/metrics", "127.0.0.1");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status(), 200);
  EXPECT_EQ(r->header("Content-Type"), prometheus_content_type);
  EXPECT_EQ(r->header("Cache-Control"), "no-store");
  EXPECT_EQ(r->cache_policy(), CachePolicy::never);
  EXPECT_THAT(std::string(r->body()), HasSubstr("# TYPE pscgi_requests_total counter"));
}

TEST_F(MetricsStageTest, ItAnswersThePathDotJsonWithJson) {
  const StagePtr s = stage();
  const ResponsePtr r = ask(*s, "HEAD", "/_pscgi/metrics.json", std::nullopt);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status(), 200);
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  const auto document = nlohmann::json::parse(r->body());
  EXPECT_TRUE(document.at("workers").is_array());
}

TEST_F(MetricsStageTest, OtherPathsPassOn) {
  const StagePtr s = stage();
  for (const char* uri : {"/", "/_pscgi/metricsx", "/_pscgi/metrics.js", "/_pscgi/metrics/", "/_pscgi/metric", "/x/_pscgi/metrics"}) {
    EXPECT_EQ(ask(*s, "GET", uri, "127.0.0.1"), nullptr) << uri;
  }
}

TEST_F(MetricsStageTest, TheQueryDoesNotMatter) {
  const StagePtr s = stage();
  const ResponsePtr r = ask(*s, "GET", "/_pscgi/metrics?x=1", "::1");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status(), 200);
}

TEST_F(MetricsStageTest, AClientNotAllowedGets403AndALogLineNamingIt) {
  const StagePtr s = stage();
  const ResponsePtr r = ask(*s, "GET", "/_pscgi/metrics", "10.0.0.7");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status(), 403);
  spdlog::default_logger()->flush();
  EXPECT_THAT(log.str(), HasSubstr("metrics: refused \"/_pscgi/metrics\" to 10.0.0.7"));
}

TEST_F(MetricsStageTest, TheRefusalLogLineEscapesWhatTheClientChose) {
  config.metrics->allow = {"127.0.0.1"};
  const StagePtr s = stage();
  const ResponsePtr r = ask(*s, "GET", "/_pscgi/metrics", "not\nan address");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status(), 403);
  EXPECT_THAT(log.str(), HasSubstr("to not\\x0aan address"));
  EXPECT_EQ(ask(*s, "GET", "/_pscgi/metrics.json", std::nullopt)->status(), 403);  // no unix in this list
}

TEST_F(MetricsStageTest, MethodsOtherThanGetAndHeadGet405) {
  const StagePtr s = stage();
  const ResponsePtr r = ask(*s, "POST", "/_pscgi/metrics", "127.0.0.1");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status(), 405);
  EXPECT_EQ(r->header("Allow"), "GET, HEAD");
}

TEST_F(MetricsStageTest, ItFollowsAConfiguredPath) {
  config.metrics->path = "/status/m";
  const StagePtr s = stage();
  EXPECT_EQ(ask(*s, "GET", "/_pscgi/metrics", "127.0.0.1"), nullptr);
  ASSERT_NE(ask(*s, "GET", "/status/m.json", "127.0.0.1"), nullptr);
}

TEST_F(MetricsStageTest, WithoutAScoreboardItAnswers503) {
  const StagePtr s = make_metrics_stage(config, {});
  const ResponsePtr r = ask(*s, "GET", "/_pscgi/metrics", "127.0.0.1");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status(), 503);
}

}  // namespace
}  // namespace pscgi::metrics
