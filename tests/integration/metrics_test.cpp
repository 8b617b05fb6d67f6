// The metrics end to end: a running server's exposition judged by real parsers (promtool and
// Python's prometheus_client), the allow list through real nginx, a real Prometheus server
// scraping it, counters that survive worker recycling, and the JSON that `pscgi status` reads.

#include "harness.hpp"
#include "load_generator.hpp"
#include "metrics_tools.hpp"

#include <nlohmann/json.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace pscgi::testing {
namespace {

using ::testing::HasSubstr;

const std::string metrics_path = "/_pscgi/metrics";

std::string server_config(const std::string& workers = "count: 2") {
  return "listen: unix:{socket}\n"
         "socket_mode: \"0666\"\n"
         "workers: { " + workers + " }\n"
         "log: { access_log: off }\n"
         "metrics: { path: " + metrics_path + ", allow: [127.0.0.1, \"::1\", unix] }\n";
}

// The sum of a family's samples (every label set), from the text format.
double sum_of(const std::string& text, const std::string& series_prefix) {
  double total = 0;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(series_prefix, 0) != 0) continue;
    total += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return total;
}

std::string scrape(const Server& server) {
  const Reply reply = scgi_get(server.socket(), metrics_path);
  EXPECT_EQ(reply.status, 200) << reply.raw;
  return reply.body;
}

TEST(MetricsTest, TheExpositionPassesPromtoolAndPythonsParser) {
  const std::string promtool_missing = missing_tool(promtool_binary, "prometheus");
  ASSERT_EQ(promtool_missing, "");
  const std::string python_missing = missing_tool(debian_python, "python3-prometheus-client");
  ASSERT_EQ(python_missing, "");
  TempDir dir;
  Server server(dir, server_config());
  for (int i = 0; i < 20; ++i) ASSERT_EQ(scgi_get(server.socket(), "/hello?n=" + std::to_string(i)).status, 200);

  // A worker counts a request once its answer is written, which may be a moment after the client
  // has read it: the other worker can answer a scrape before the last hello shows. Wait for all 20.
  Reply reply;
  const bool all_counted = wait_until(
      [&] {
        reply = scgi_get(server.socket(), metrics_path);
        return reply.status == 200 && sum_of(reply.body, "pscgi_requests_total{") >= 20 &&
               sum_of(reply.body, "pscgi_request_duration_seconds_count") >= 20;
      },
      5s);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_TRUE(all_counted) << reply.body;
  EXPECT_EQ(reply.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(reply.header("Cache-Control"), "no-store");
  const std::string exposition = dir.file("metrics.txt");
  write_file(exposition, reply.body);

  const auto [promtool_status, promtool_output] = run_tool({promtool_binary, "check", "metrics"}, exposition);
  EXPECT_EQ(promtool_status, 0) << promtool_output << "\n" << reply.body;
  EXPECT_EQ(promtool_output, "") << "promtool found lint problems:\n" << promtool_output;

  const std::string script =
      "import sys\n"
      "from prometheus_client.parser import text_string_to_metric_families\n"
      "for family in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
      "    print(family.name, family.type, len(family.samples))\n";
  const auto [python_status, families] = run_tool({debian_python, "-c", script, exposition});
  ASSERT_EQ(python_status, 0) << families;
  EXPECT_THAT(families, HasSubstr("pscgi_requests counter 2"));  // one series per slot
  EXPECT_THAT(families, HasSubstr("pscgi_request_duration_seconds histogram 17"));  // 15 buckets, sum, count
  EXPECT_THAT(families, HasSubstr("pscgi_workers gauge 7"));
  EXPECT_THAT(families, HasSubstr("pscgi_worker_exits counter 8"));
  for (const char* name : {"pscgi_cache_lookups counter", "pscgi_cache_entries gauge", "pscgi_worker_rss_bytes gauge 2",
                           "pscgi_worker_generation gauge 2", "pscgi_up_seconds gauge 1"}) {
    EXPECT_THAT(families, HasSubstr(name));
  }
  EXPECT_GE(sum_of(reply.body, "pscgi_requests_total{"), 20);
  EXPECT_GE(sum_of(reply.body, "pscgi_request_duration_seconds_count"), 20);
}

TEST(MetricsTest, ThroughNginxAClientNotAllowedGets403AndALogLine) {
  TempDir dir;
  Server server(dir, server_config());
  Nginx nginx(dir, server.socket());
  const Reply allowed = http_request(nginx.port(), "GET", metrics_path);
  EXPECT_EQ(allowed.status, 200) << allowed.raw << nginx.error_log();
  EXPECT_THAT(allowed.body, HasSubstr("# TYPE pscgi_requests_total counter"));

  const Reply refused = http_request_from("127.0.0.2", nginx.port(), "GET", metrics_path + ".json");
  EXPECT_EQ(refused.status, 403) << refused.raw;
  EXPECT_TRUE(server.wait_for_log("metrics: refused \"" + metrics_path + ".json\" to 127.0.0.2"))
      << lines_with(server.log(), "metrics");
  // Other paths are the app's, whoever asks.
  EXPECT_EQ(http_request_from("127.0.0.2", nginx.port(), "GET", "/hello").status, 200);
  EXPECT_EQ(http_request(nginx.port(), "POST", metrics_path).status, 405);
}

TEST(MetricsTest, ARealPrometheusScrapesItThroughNginx) {
  const std::string missing = missing_tool(prometheus_binary, "prometheus");
  ASSERT_EQ(missing, "");
  TempDir dir;
  Server server(dir, server_config());
  Nginx nginx(dir, server.socket());
  PrometheusServer prometheus(dir, "127.0.0.1:" + std::to_string(nginx.port()), metrics_path);
  std::string answer;
  const bool scraped = wait_until(
      [&] {
        answer = prometheus.query("sum(pscgi_requests_total)");
        return answer.find("\"status\":\"success\"") != std::string::npos &&
               answer.find("\"result\":[]") == std::string::npos && answer.find("\"value\"") != std::string::npos;
      },
      30s, 500ms);
  EXPECT_TRUE(scraped) << "last answer: " << answer << "\nprometheus log:\n" << prometheus.log()
                       << "\ntargets: " << http_request(prometheus.port(), "GET", "/api/v1/targets").body;
  const std::string up = prometheus.query("up{job=\"pscgi\"}");
  EXPECT_THAT(up, HasSubstr("\"1\"]")) << up;
  const std::string buckets = prometheus.query("pscgi_request_duration_seconds_bucket{le=\"+Inf\"}");
  EXPECT_THAT(buckets, HasSubstr("\"value\"")) << buckets;
}

TEST(MetricsTest, CountersSurviveWorkerRecycling) {
  TempDir dir;
  Server server(dir, server_config("count: 2, max_requests: 20, max_requests_jitter: 0"));
  LoadGenerator load({.clients = 3, .cap = 300}, scgi_get_from(server.socket(), "/hello"), expect_status(200));
  double last_total = 0;
  int regressions = 0;
  while (!load.wait_finished(50ms)) {
    const double total = sum_of(scrape(server), "pscgi_requests_total{");
    if (total < last_total) ++regressions;
    last_total = total;
  }
  ASSERT_EQ(load.failures(), 0) << load.failure_report();
  EXPECT_EQ(regressions, 0) << "pscgi_requests_total went backwards while workers were replaced";

  std::string text;
  ASSERT_TRUE(wait_until(
      [&] {
        text = scrape(server);
        return sum_of(text, "pscgi_worker_exits_total{reason=\"max_requests\"}") > 0;
      },
      20s, 100ms))
      << text;
  EXPECT_GE(sum_of(text, "pscgi_requests_total{"), static_cast<double>(load.successes()));
  EXPECT_GE(sum_of(text, "pscgi_request_duration_seconds_count"), static_cast<double>(load.successes()));
  EXPECT_GE(sum_of(text, "pscgi_requests_total{"), last_total);
}

TEST(MetricsTest, TheJsonHasTheContractsFields) {
  TempDir dir;
  Server server(dir, server_config());
  for (int i = 0; i < 5; ++i) ASSERT_EQ(scgi_get(server.socket(), "/hello").status, 200);
  // A local tool on the socket sends no REMOTE_ADDR: `unix` lets it in.
  const Reply reply = scgi_get(server.socket(), metrics_path + ".json", {{"REMOTE_ADDR", ""}});
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.header("Content-Type"), "application/json");
  const nlohmann::json document = nlohmann::json::parse(reply.body);

  const auto& s = document.at("server");
  EXPECT_EQ(s.at("master_pid").get<int>(), server.pid());
  EXPECT_EQ(s.at("generation"), 1);
  EXPECT_GT(s.at("up_seconds").get<double>(), 0.0);
  EXPECT_TRUE(s.at("version").is_string());

  const auto& workers = document.at("workers");
  ASSERT_EQ(workers.size(), 2u) << reply.body;
  std::uint64_t answered = 0;
  for (const auto& w : workers) {
    for (const char* key : {"slot", "pid", "generation", "state", "requests", "request", "request_seconds", "cache", "rss_bytes"}) {
      EXPECT_TRUE(w.contains(key)) << key << " in " << w.dump();
    }
    EXPECT_GT(w.at("pid").get<int>(), 0);
    EXPECT_GT(w.at("rss_bytes").get<std::uint64_t>(), 0u);
    EXPECT_EQ(w.at("cache").size(), 8u);
    answered += w.at("requests").get<std::uint64_t>();
  }
  EXPECT_GE(answered, 5u);
  // The worker answering this very request is handling it.
  EXPECT_THAT(reply.body, HasSubstr("\"request\":\"GET " + metrics_path + ".json\""));

  const auto& totals = document.at("totals");
  EXPECT_EQ(totals.at("requests").get<std::uint64_t>(), answered);
  EXPECT_EQ(totals.at("workers"), 2);
  EXPECT_TRUE(totals.at("states").is_object());
  EXPECT_EQ(totals.at("cache").size(), 8u);
  EXPECT_GT(totals.at("rss_bytes").get<std::uint64_t>(), 0u);
  EXPECT_TRUE(totals.at("exits").is_object());
}

TEST(MetricsTest, WithoutAMetricsSectionThePathIsTheApps) {
  TempDir dir;
  Server server(dir, "listen: unix:{socket}\nworkers: { count: 1 }\nlog: { access_log: off }\n");
  const Reply reply = scgi_get(server.socket(), metrics_path);
  EXPECT_EQ(reply.status, 404) << reply.raw;
}

}  // namespace
}  // namespace pscgi::testing
