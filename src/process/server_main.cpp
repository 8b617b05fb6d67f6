// argv → config → pipeline → listeners → Master → exit status. Everything that can fail is tried
// here, before the first fork, so errors reach the user on the terminal (Asio's daemon example:
// "initialise before becoming a daemon").

#include <pscgi/server.hpp>

#include "cache/cache_generation.hpp"
#include "config/config.hpp"
#include "log/logging.hpp"
#include "pipeline/stage_factory.hpp"
#include "process/listener.hpp"
#include "process/master.hpp"
#include "process/posix_process_control.hpp"
#include "process/process_title.hpp"
#include "process/readiness.hpp"
#include "process/signals.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unistd.h>

namespace pscgi {
namespace {

struct CommandLine {
  std::string config_path;
  bool check_only = false;
};

void write_pid_file(const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  out << ::getpid() << '\n';
  if (!out.flush()) throw std::runtime_error(fmt::format("cannot write pid_file \"{}\": {}", path, std::strerror(errno)));
}

int serve(const config::Config& config, const AppRegistry& apps) {
  // The generation lives in memory shared with every worker, so it is made before the first fork.
  pipeline::StageDependencies dependencies{cache::CacheGeneration::create()};
  Pipeline pipeline = pipeline::build_pipeline(config, apps, dependencies);
  log::setup_logging(config.log, "master");
  std::vector<process::Listener> listeners = process::open_listeners(config);
  bool listening = true;
  auto stop_listening = [&] {
    if (!listening) return;
    listening = false;
    process::notify_supervisor("STOPPING=1");
    process::unlink_socket_files(listeners);
    process::close_listeners(listeners);
  };
  if (config.pid_file) write_pid_file(*config.pid_file);
  process::set_process_title("pscgi: master");
  for (const auto& l : listeners) spdlog::info("listening on {}", l.address.text);

  process::PosixProcessControl os(config, listeners, pipeline);
  process::MasterHooks hooks;
  hooks.stop_listening = stop_listening;
  hooks.reopen_logs = [] { log::reopen_logs(); };
  hooks.invalidate_cache = [generation = dependencies.cache_generation] { generation->bump(); };
  hooks.ready = [] { process::notify_supervisor("READY=1"); };
  process::Master master({config.workers.count, config.workers.graceful_timeout}, os, hooks);
  const int status = master.run();
  stop_listening();
  if (config.pid_file) ::unlink(config.pid_file->c_str());
  log::flush_logs();
  return status;
}

}  // namespace

int run_main(int argc, char** argv, const AppRegistry& apps) {
  process::block_server_signals();
  process::init_process_title(argc, argv);

  CLI::App cli{"pscgi: a preforking SCGI application server with a per-process response cache"};
  CommandLine args;
  cli.add_option("-c,--config", args.config_path, "the YAML configuration file")->required();
  cli.add_flag("-t,--check-config", args.check_only, "check the configuration and exit (0 when valid)");
  cli.set_version_flag("-v,--version", std::string("pscgi ") + PSCGI_VERSION);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  try {
    const config::Config config = config::load_config_file(args.config_path);
    if (args.check_only) {
      pipeline::build_pipeline(config, apps, {});  // the app and stages must be makeable too
      std::printf("pscgi: configuration file %s is valid\n%s", args.config_path.c_str(), config::describe_config(config).c_str());
      return 0;
    }
    return serve(config, apps);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pscgi: error: %s\n", e.what());
    return 1;
  }
}

}  // namespace pscgi
