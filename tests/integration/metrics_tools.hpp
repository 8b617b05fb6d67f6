#pragma once
// What the metrics tests need beyond the harness: the parsers that judge the exposition format
// (promtool and Python's prometheus_client, Debian packages), a real Prometheus server, and an
// HTTP client bound to a chosen loopback address (to be someone not in metrics.allow).

#include "harness.hpp"

#include <chrono>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace pscgi::testing {

inline constexpr const char* promtool_binary = "/usr/bin/promtool";
inline constexpr const char* prometheus_binary = "/usr/bin/prometheus";
/// Debian's interpreter, where python3-prometheus-client is installed (not a pyenv shim's).
inline constexpr const char* debian_python = "/usr/bin/python3";

/// "" when the tool is there, else a message that says how to install it.
std::string missing_tool(const std::string& path, const std::string& package);

/// Runs argv[0] with its arguments, stdin from `input_path` ("" for /dev/null), to completion
/// within the deadline; returns (exit status or -1, combined stdout and stderr).
std::pair<int, std::string> run_tool(const std::vector<std::string>& argv, const std::string& input_path = {},
                                     std::chrono::milliseconds deadline = 30s);

/// An HTTP/1.1 request (Connection: close) to 127.0.0.1:port from the local address `source_ip`.
Reply http_request_from(const std::string& source_ip, int port, const std::string& method, const std::string& target);

/// A Prometheus server on a free loopback port, with its own config and data directory under
/// `dir`, scraping `target` (host:port) at `metrics_path` every second. Stopped by its pid.
class PrometheusServer {
 public:
  PrometheusServer(const TempDir& dir, const std::string& target, const std::string& metrics_path);
  ~PrometheusServer();
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  int port() const noexcept { return port_; }
  /// The body of /api/v1/query?query=<expression> ("" when it does not answer).
  std::string query(const std::string& expression) const;
  std::string log() const;

 private:
  void stop() noexcept;

  std::string log_path_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace pscgi::testing
