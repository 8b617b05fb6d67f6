#pragma once
/// \file
/// pscgi-load's command line: the Options it fills, the CLI11 definitions, and the checks and
/// conversions that follow parsing (durations, the load shape, what to send).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace pscgi::load {

struct Options {
  std::string connect;

  // Load shape: a closed loop of `concurrency` connections, or an open loop at `rate` per second.
  int concurrency = 0;
  double rate = 0;
  int max_in_flight = 1000;
  int threads = 1;

  // Length, as written and as parsed by finalize_options().
  std::string duration_text;
  std::string warmup_text = "1s";
  std::string timeout_text = "5s";
  std::optional<std::chrono::nanoseconds> duration;
  std::chrono::nanoseconds warmup{};
  std::chrono::nanoseconds timeout{};
  std::optional<std::uint64_t> requests;

  // What to send.
  std::vector<std::string> uris;
  std::string url_file;
  std::size_t zipf_pages = 0;
  double zipf_s = 1.0;
  std::string zipf_template = "/page/{}";
  std::string request_file;
  std::vector<std::string> headers;  ///< "Name: value"
  std::string method = "GET";
  std::string host = "localhost";
  std::uint64_t seed = 1;
  /// Send the requests in their order (page 1, 2, ..., then again from 1) instead of at random:
  /// --zipf N --in-order -n N requests every page exactly once, e.g. to fill a cache.
  bool in_order = false;

  // Backend CPU accounting.
  std::vector<int> server_pids;
  std::string server_pid_file;

  // Output.
  std::string json_path;  ///< "-" for stdout
  bool quiet = false;     ///< no progress line even on a terminal
};

/// Declares every option on `app`, bound to `options`.
void add_options(CLI::App& app, Options& options);

/// Converts and checks what CLI11 cannot: durations, the length of the run, the load shape
/// (concurrency 1 when neither --concurrency nor --rate is given; 10 s when neither --duration nor
/// --requests). Throws std::invalid_argument with a message for the user.
void finalize_options(Options& options);

/// "10s", "250ms", "1.5m", "100us", "2h"; a bare number is seconds. Throws std::invalid_argument.
std::chrono::nanoseconds parse_duration(std::string_view text);

/// "Name: value" -> {"Name", "value"}; throws std::invalid_argument without a colon or a name.
std::pair<std::string, std::string> parse_header_option(std::string_view text);

}  // namespace pscgi::load
