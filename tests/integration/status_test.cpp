// `pscgi status` against the real binary: the table, --json, --watch, and the sentences an operator
// gets when the server is not running, has no metrics or does not let a local tool ask.

#include "harness.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace pscgi::testing {
namespace {

std::string config_with(const std::string& metrics) {
  return "listen: unix:{socket}\n"
         "workers: { count: 2, max_requests: 0, graceful_timeout: 5s }\n"
         "log: { level: info, error_log: stderr, access_log: off }\n"
         "app: { type: demo }\n" + metrics;
}

const std::string local_metrics = "metrics: { allow: [unix] }\n";

TEST(StatusCommandTest, PrintsARowPerWorkerAndTheTotals) {
  TempDir dir;
  Server server(dir, config_with(local_metrics));
  for (int i = 0; i < 5; ++i) ASSERT_EQ(scgi_get(server.socket(), "/hello").status, 200);
  const auto [status, output] = run_binary({"status", "--config", server.config_path()});
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("SLOT"), std::string::npos) << output;
  EXPECT_NE(output.find(" ALL "), std::string::npos) << output;
  EXPECT_NE(output.find("master " + std::to_string(server.pid())), std::string::npos) << output;
  for (const pid_t pid : server.worker_pids()) EXPECT_NE(output.find(" " + std::to_string(pid) + " "), std::string::npos) << output;
  EXPECT_NE(output.find("2 live"), std::string::npos) << output;
}

TEST(StatusCommandTest, JsonIsTheServersMetricsJson) {
  TempDir dir;
  Server server(dir, config_with(local_metrics));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(scgi_get(server.socket(), "/hello").status, 200);
  const auto [status, output] = run_binary({"status", "--json", "--config", server.config_path()});
  ASSERT_EQ(status, 0) << output;
  const nlohmann::json json = nlohmann::json::parse(output);
  EXPECT_EQ(json["server"]["master_pid"].get<long>(), server.pid());
  ASSERT_EQ(json["workers"].size(), 2u) << output;
  EXPECT_GE(json["totals"]["requests"].get<int>(), 3) << output;  // the status request itself may count too
  for (const auto& worker : json["workers"]) EXPECT_TRUE(worker.contains("state")) << output;
}

TEST(StatusCommandTest, WatchRefreshesUntilItsCount) {
  TempDir dir;
  Server server(dir, config_with(local_metrics));
  const auto [status, output] =
      run_binary({"status", "--watch", "--interval", "0.2", "--count", "3", "--config", server.config_path()});
  ASSERT_EQ(status, 0) << output;
  EXPECT_EQ(count_occurrences(output, "SLOT"), 3) << output;
}

TEST(StatusCommandTest, SaysWhenTheServerIsNotRunning) {
  TempDir dir;
  std::string config_path;
  {
    Server server(dir, config_with(local_metrics));
    config_path = server.config_path();
  }
  const auto [status, output] = run_binary({"status", "--config", config_path});
  EXPECT_EQ(status, 1);
  EXPECT_NE(output.find("pscgi is not running at unix:"), std::string::npos) << output;
}

TEST(StatusCommandTest, SaysWhenMetricsAreOff) {
  TempDir dir;
  Server server(dir, config_with(""));
  const auto [status, output] = run_binary({"status", "--config", server.config_path()});
  EXPECT_EQ(status, 1);
  EXPECT_NE(output.find("metrics are off"), std::string::npos) << output;
}

TEST(StatusCommandTest, SaysWhenTheRunningServerHasNoMetricsYet) {
  TempDir dir;
  Server server(dir, config_with(""));
  server.write_config(config_with(local_metrics));  // on disk, not yet reloaded
  const auto [status, output] = run_binary({"status", "--config", server.config_path()});
  EXPECT_EQ(status, 1);
  EXPECT_NE(output.find("(404)"), std::string::npos) << output;
  EXPECT_NE(output.find("reload"), std::string::npos) << output;
}

TEST(StatusCommandTest, SaysWhenLocalToolsAreNotAllowed) {
  TempDir dir;
  Server server(dir, config_with("metrics: { allow: [127.0.0.1] }\n"));
  const auto [status, output] = run_binary({"status", "--config", server.config_path()});
  EXPECT_EQ(status, 1);
  EXPECT_NE(output.find("(403)"), std::string::npos) << output;
  EXPECT_NE(output.find("metrics.allow"), std::string::npos) << output;
}

TEST(StatusCommandTest, ServingStillNeedsAConfig) {
  const auto [status, output] = run_binary({});
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("--config"), std::string::npos) << output;
}

}  // namespace
}  // namespace pscgi::testing
