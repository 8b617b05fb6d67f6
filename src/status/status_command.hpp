#pragma once
// `pscgi status --config FILE [--watch] [--json]`: asks the running server for its metrics JSON on
// the configured listener, as a local tool, and shows it as a table (uwsgitop and varnishstat are
// the models). Every failure is one sentence on stderr and exit status 1.

#include <cstdio>
#include <string>

namespace pscgi::status {

struct StatusOptions {
  std::string config_path;
  bool watch = false;     ///< refresh in place until interrupted
  bool json = false;      ///< print the JSON as the server sent it
  double interval = 1.0;  ///< seconds between refreshes with watch
  int count = 0;          ///< with watch: stop after this many refreshes; 0 = until interrupted
};

/// Runs the command; returns the exit status (0: shown, 1: the server could not be asked).
int run_status_command(const StatusOptions& options, std::FILE* out = stdout, std::FILE* err = stderr);

}  // namespace pscgi::status
