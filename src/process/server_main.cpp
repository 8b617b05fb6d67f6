// argv → config → generation 1 (pipeline, listeners) → Master → exit status. Everything that can
// fail is tried here, before the first fork, so errors reach the user on the terminal (Asio's
// daemon example: "initialise before becoming a daemon"). Later generations (SIGHUP) are made by
// process::Generations, which logs instead.

#include <pscgi/server.hpp>

#include "cache/cache_generation.hpp"
#include "config/config.hpp"
#include "log/logging.hpp"
#include "pipeline/stage_factory.hpp"
#include "process/generations.hpp"
#include "process/master.hpp"
#include "process/pid_file.hpp"
#include "process/posix_process_control.hpp"
#include "process/privilege_checks.hpp"
#include "process/privileges.hpp"
#include "process/process_title.hpp"
#include "process/readiness.hpp"
#include "process/scoreboard.hpp"
#include "process/socket_activation.hpp"
#include "process/signals.hpp"
#include "status/status_command.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <optional>
#include <unistd.h>

namespace pscgi {
namespace {

struct CommandLine {
  std::string config_path;
  bool check_only = false;
};

// The scoreboard and the cache generation live in memory shared with every worker, so they are
// made before the first fork, once: every configuration generation uses the same ones.
int serve(config::Config config, const std::string& config_path, const AppRegistry& apps) {
  const std::shared_ptr<process::Scoreboard> scoreboard = process::Scoreboard::create();
  const pipeline::StageDependencies dependencies{cache::CacheGeneration::create(), scoreboard};
  process::Generations generations(config_path, apps, dependencies);
  // Before the pipeline is built (the CGI app copies the environment) and before any fork.
  std::vector<process::Listener> inherited = process::take_inherited_listeners(config);
  const process::Generation& first = generations.start(std::move(config), std::move(inherited));
  const std::optional<std::string> pid_file = first.config.pid_file;  // a reload does not move it
  if (pid_file) process::write_pid_file(*pid_file, ::getpid());
  process::check_privileges(first.config);

  bool listening = true;
  auto stop_listening = [&] {
    if (!listening) return;
    listening = false;
    process::notify_supervisor("STOPPING=1");
    generations.stop_listening();
  };
  process::PosixProcessControl os(generations, *scoreboard);
  process::MasterHooks hooks;
  hooks.stop_listening = stop_listening;
  hooks.reopen_logs = [&] {
    log::reopen_logs();
    process::hand_log_files_to_workers(generations.find(generations.newest())->config);
  };
  hooks.invalidate_cache = [generation = dependencies.cache_generation] { generation->bump(); };
  hooks.ready = [] { process::notify_supervisor("READY=1"); };
  hooks.reload = [&](std::uint32_t generation) {
    auto settings = generations.reload(generation);
    if (settings) process::check_privileges(generations.find(generation)->config, "SIGHUP: ");
    return settings;
  };
  hooks.generation_gone = [&](std::uint32_t generation) { generations.release(generation); };
  process::Master master(process::MasterSettings::from(first.config.workers), os, *scoreboard, hooks);
  const int status = master.run();
  stop_listening();
  if (pid_file) process::remove_pid_file(*pid_file, ::getpid());
  log::flush_logs();
  return status;
}

CLI::App* add_status_command(CLI::App& cli, status::StatusOptions& options) {
  CLI::App* command = cli.add_subcommand(
      "status", "show what every worker of a running server is doing, from its metrics (needs `metrics:`)");
  command->add_option("-c,--config", options.config_path, "the running server's YAML configuration file")->required();
  command->add_flag("-w,--watch", options.watch, "refresh in place until interrupted (Ctrl-C)");
  command->add_flag("--json", options.json, "print the metrics JSON instead of the table");
  command->add_option("--interval", options.interval, "seconds between refreshes with --watch")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  command->add_option("--count", options.count, "with --watch: stop after this many refreshes (0: never)")
      ->check(CLI::NonNegativeNumber);
  return command;
}

}  // namespace

int run_main(int argc, char** argv, const AppRegistry& apps) {
  process::block_server_signals();
  process::init_process_title(argc, argv);

  CLI::App cli{"pscgi: a preforking SCGI application server with a per-process response cache"};
  CommandLine args;
  cli.add_option("-c,--config", args.config_path, "the YAML configuration file");
  cli.add_flag("-t,--check-config", args.check_only, "check the configuration and exit (0 when valid)");
  cli.set_version_flag("-v,--version", std::string("pscgi ") + PSCGI_VERSION);
  cli.require_subcommand(0, 1);
  status::StatusOptions status_options;
  CLI::App* status_command = add_status_command(cli, status_options);
  try {
    cli.parse(argc, argv);
    // Required only when serving: `pscgi status` takes its own --config.
    if (!status_command->parsed() && args.config_path.empty()) throw CLI::RequiredError("--config");
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  if (status_command->parsed()) return status::run_status_command(status_options);

  try {
    config::Config config = config::load_config_file(args.config_path);
    if (args.check_only) {
      pipeline::build_pipeline(config, apps, {});  // the app and stages must be makeable too
      std::printf("pscgi: configuration file %s is valid\n%s", args.config_path.c_str(), config::describe_config(config).c_str());
      return 0;
    }
    return serve(std::move(config), args.config_path, apps);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pscgi: error: %s\n", e.what());
    return 1;
  }
}

}  // namespace pscgi
