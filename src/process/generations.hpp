#pragma once
// Configuration generations: what the workers of each generation are made from — the config, the
// pipeline (with the app) built from it in the master, and the listening sockets its `listen`
// names. Generation 1 comes from the config read at startup; each SIGHUP prepares the next one in
// full before anything changes (nginx keeps the old cycle when the new one fails). A generation
// lives until the master reports that its last worker is gone; the sockets it shares with newer
// generations stay open throughout.

#include "config/config.hpp"
#include "pipeline/stage_registry.hpp"
#include "process/listener.hpp"
#include "process/listener_pool.hpp"
#include "process/master.hpp"

#include <pscgi/app.hpp>
#include <pscgi/pipeline.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pscgi::process {

/// One generation. Its address stays the same while it lives (workers are set up from it).
struct Generation {
  std::uint32_t number = 0;
  config::Config config;
  Pipeline pipeline;
  std::vector<Listener> listeners;  ///< in `listen` order; shared with generations that list the same address
};

class Generations {
 public:
  /// `config_path` is read again at every reload; `apps` and `dependencies` (shared by every
  /// generation: one cache generation, one scoreboard) make each generation's pipeline.
  Generations(std::string config_path, const AppRegistry& apps, pipeline::StageDependencies dependencies);
  /// Closes every socket still open and removes the unix socket files (in the master only: a
  /// worker leaves with _Exit).
  ~Generations();
  Generations(const Generations&) = delete;
  Generations& operator=(const Generations&) = delete;

  /// Generation 1 from the config read at startup: its pipeline, the master's logs, its sockets,
  /// the master's title. `inherited` are the sockets the service manager passed, each with the
  /// configured address it matched (take_inherited_listeners): those addresses use them instead of
  /// opening a socket, and every later generation that lists them keeps them. Throws what fails
  /// (ConfigError, std::runtime_error, std::system_error) for the terminal; nothing is left open
  /// then (the inherited sockets are closed too, their files left alone).
  const Generation& start(config::Config config, std::vector<Listener> inherited = {});

  /// SIGHUP: reads the config file again and prepares generation `number` — config, pipeline,
  /// sockets (shared where the address is already open, opened where new), the master's log
  /// settings — and returns its MasterSettings. When anything fails, logs why and returns nullopt
  /// with nothing changed (the sockets it opened are closed again).
  std::optional<MasterSettings> reload(std::uint32_t number);

  /// The master has no worker of `number` left: its pipeline and config go, and the sockets no
  /// live generation lists are closed (unix socket files pscgi created removed). When it was the newest (a
  /// reload whose workers could not start), the master's logs and title return to the newest left.
  void release(std::uint32_t number);

  /// Graceful stop: removes every unix socket file pscgi created and closes every socket, so that
  /// new connects fail at once. An inherited socket is only closed: its owner (systemd) keeps it
  /// listening, and connects wait in its queue for the next server. Idempotent.
  void stop_listening() noexcept;

  /// The live generation `number`, or nullptr.
  Generation* find(std::uint32_t number) noexcept;
  /// The newest live generation's number (0 before start).
  std::uint32_t newest() const noexcept;

  /// In a worker of generation `number`, right after fork: closes this process's copies of the
  /// sockets that only other generations list (see the .cpp for why this matters).
  void close_other_generations_sockets(std::uint32_t number) const noexcept;

 private:
  void adopt(Generation next);

  std::string config_path_;
  const AppRegistry& apps_;
  pipeline::StageDependencies dependencies_;
  std::optional<std::string> running_pid_file_;  ///< written at start; a reload does not move it
  std::map<std::uint32_t, Generation> generations_;
  ListenerPool pool_;
  bool stopped_ = false;
};

}  // namespace pscgi::process
