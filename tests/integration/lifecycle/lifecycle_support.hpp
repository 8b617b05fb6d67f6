#pragma once
// What the lifecycle tests share: their config file (the `workers:` section on line 3, so a test
// can name the line an error is on) and reading the demo app's /hello page.

#include "harness.hpp"
#include "load_generator.hpp"
#include "worker_titles.hpp"

#include <regex>
#include <string>
#include <sys/types.h>

namespace pscgi::testing {

/// The config line `workers: ...` is on; see lifecycle_config.
inline constexpr int workers_line = 3;

/// A server on {socket} that nginx may reach, with this `workers:` and `app:` section. The pipeline
/// holds no cache: every request reaches the app, so /work burns its CPU every time.
inline std::string lifecycle_config(const std::string& workers, const std::string& app = "{ type: demo }") {
  return "listen: unix:{socket}\n"
         "socket_mode: \"0666\"\n"
         "workers: " + workers + "\n"
         "log: { level: info, error_log: stderr, access_log: off }\n"
         "pipeline: [access_log]\n"
         "app: " + app + "\n";
}

/// The greeting /hello shows ("" when the page is not a /hello page).
inline std::string greeting_in(const Reply& hello) {
  std::smatch m;
  if (!std::regex_search(hello.body, m, std::regex("<span id=\"greeting\">([^<]*)</span>"))) return {};
  return m[1];
}

/// The worker pid /hello shows (0 when the page is not a /hello page).
inline pid_t pid_in(const Reply& hello) {
  std::smatch m;
  if (!std::regex_search(hello.body, m, std::regex("id=\"pid\">([0-9]+)<"))) return 0;
  return static_cast<pid_t>(std::stoi(m[1]));
}

/// The generation the master's title shows (0 when it shows none).
inline int master_generation(pid_t master) { return parse_master_generation(process_title(master)).value_or(0); }

}  // namespace pscgi::testing
