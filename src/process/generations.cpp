#include "process/generations.hpp"

#include "config/listen_address.hpp"
#include "log/logging.hpp"
#include "pipeline/stage_factory.hpp"
#include "process/process_title.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <unistd.h>

namespace pscgi::process {
namespace {

// The sockets a generation in preparation had to open. Until it is adopted they are its own, so a
// failure further on closes them again and removes their files: a refused reload leaves nothing.
class OpenedSockets {
 public:
  OpenedSockets() = default;
  ~OpenedSockets() {
    unlink_socket_files(listeners_);
    close_listeners(listeners_);
  }
  OpenedSockets(const OpenedSockets&) = delete;
  OpenedSockets& operator=(const OpenedSockets&) = delete;

  void add(const Listener& listener) { listeners_.push_back(listener); }
  const std::vector<Listener>& all() const noexcept { return listeners_; }
  void keep() noexcept { listeners_.clear(); }

 private:
  std::vector<Listener> listeners_;
};

Generation make_generation(std::uint32_t number, config::Config config, const AppRegistry& apps,
                           const pipeline::StageDependencies& dependencies) {
  Generation generation{number, std::move(config), {}, {}};
  generation.pipeline = pipeline::build_pipeline(generation.config, apps, dependencies);
  return generation;
}

// Fills next.listeners in `listen` order: the pool's socket where the address is open already (the
// kept ones are returned), else a socket the service manager passed for it (socket activation;
// only at start: the caller has put those in `opened`), else a new socket (added to `opened`).
std::vector<const PooledListener*> open_sockets_for(Generation& next, const ListenerPool& pool, OpenedSockets& opened,
                                                    const std::vector<Listener>& inherited = {}) {
  std::vector<const PooledListener*> kept;
  for (const config::ListenAddress& address : next.config.listen) {
    const auto passed = std::find_if(inherited.begin(), inherited.end(),
                                     [&](const Listener& l) { return config::same_endpoint(l.address, address); });
    if (const PooledListener* open = pool.find(address)) {
      kept.push_back(open);
      next.listeners.push_back(open->listener);
    } else if (passed != inherited.end()) {
      next.listeners.push_back(*passed);
    } else {
      opened.add(open_listener(address, next.config));
      next.listeners.push_back(opened.all().back());
    }
  }
  return kept;
}

std::string describe_listening(const Listener& listener) {
  if (!listener.inherited) return listener.address.text;
  return fmt::format("{} (socket passed by the service manager, descriptor {}; its backlog and mode are the socket unit's)",
                     listener.address.text, listener.fd);
}

void set_master_title(std::uint32_t generation) {
  set_process_title(fmt::format("pscgi: master (gen {})", generation));
}

}  // namespace

Generations::Generations(std::string config_path, const AppRegistry& apps, pipeline::StageDependencies dependencies)
    : config_path_(std::move(config_path)), apps_(apps), dependencies_(std::move(dependencies)) {}

Generations::~Generations() { stop_listening(); }

const Generation& Generations::start(config::Config config, std::vector<Listener> inherited) {
  OpenedSockets opened;
  for (const Listener& l : inherited) opened.add(l);  // closed again if the start fails (never unlinked)
  Generation first = make_generation(1, std::move(config), apps_, dependencies_);
  log::setup_logging(first.config.log, "master");
  open_sockets_for(first, pool_, opened, inherited);
  running_pid_file_ = first.config.pid_file;
  opened.keep();
  adopt(std::move(first));
  for (const Listener& l : generations_.at(1).listeners) spdlog::info("listening on {}", describe_listening(l));
  set_master_title(1);
  return generations_.at(1);
}

std::optional<MasterSettings> Generations::reload(std::uint32_t number) {
  try {
    if (stopped_) throw std::logic_error("the server is stopping");
    if (generations_.contains(number)) throw std::logic_error(fmt::format("generation {} exists already", number));
    Generation next = make_generation(number, config::load_config_file(config_path_), apps_, dependencies_);
    OpenedSockets opened;
    const std::vector<const PooledListener*> kept = open_sockets_for(next, pool_, opened);
    const MasterSettings settings = MasterSettings::from(next.config.workers);
    const std::vector<std::string> warnings = settings_needing_restart(running_pid_file_, kept, next.config);
    // The last step that can fail: from here on the new generation is adopted.
    log::setup_logging(next.config.log, "master");
    for (const Listener& l : opened.all()) spdlog::info("SIGHUP: listening on {}", l.address.text);
    opened.keep();
    adopt(std::move(next));
    for (const std::string& warning : warnings) spdlog::warn("SIGHUP: {}", warning);
    spdlog::info("SIGHUP: reloaded {}; generation {} starts {} worker(s)", config_path_, number, settings.initial_workers);
    set_master_title(number);
    return settings;
  } catch (const std::exception& e) {
    spdlog::error("SIGHUP: cannot reload: {}; keeping generation {}", e.what(), newest());
    return std::nullopt;
  }
}

void Generations::release(std::uint32_t number) {
  const auto it = generations_.find(number);
  if (it == generations_.end()) return;
  const bool was_newest = number == newest();
  generations_.erase(it);
  std::vector<Listener> unused = pool_.release(number);
  for (const Listener& l : unused) spdlog::info("closing {}: no generation of workers listens on it any more", l.address.text);
  unlink_socket_files(unused);
  close_listeners(unused);
  if (was_newest && !generations_.empty()) {
    // A reload whose workers could not start: the master went back to an older generation.
    const Generation& back = generations_.rbegin()->second;
    try {
      log::setup_logging(back.config.log, "master");
    } catch (const std::exception& e) {
      spdlog::error("cannot return to the log settings of generation {}: {}", back.number, e.what());
    }
    spdlog::warn("generation {} is gone; the master is back on generation {}", number, back.number);
    set_master_title(back.number);
  }
}

void Generations::stop_listening() noexcept {
  stopped_ = true;
  std::vector<Listener> all = pool_.take_all();
  unlink_socket_files(all);
  close_listeners(all);
}

Generation* Generations::find(std::uint32_t number) noexcept {
  const auto it = generations_.find(number);
  return it == generations_.end() ? nullptr : &it->second;
}

std::uint32_t Generations::newest() const noexcept {
  return generations_.empty() ? 0 : generations_.rbegin()->first;
}

// A worker inherits every socket the master has open, those of every live generation. It must
// close the ones its own generation does not list: the master closes a socket when the last
// generation that lists it is gone, but the kernel closes it only when every process has — a
// worker of the new generation that still held the old socket would keep it listening, with
// connects queued on it that nobody will ever accept (clients hang instead of being refused; a TCP
// port stays taken, so a later reload back to it would fail). The same holds the other way round
// for a worker of an old generation started while a newer one is live. The other generations'
// records keep the closed numbers in this process; nothing here reads them (the worker is set up
// from its own generation only, and leaves with _Exit, so no destructor closes them again).
void Generations::close_other_generations_sockets(std::uint32_t number) const noexcept {
  for (int fd : pool_.fds_not_used_by(number)) ::close(fd);
}

void Generations::adopt(Generation next) {
  for (const Listener& l : next.listeners) pool_.use(next.number, l, next.config.backlog, next.config.socket_mode);
  const std::uint32_t number = next.number;
  generations_.emplace(number, std::move(next));
}

}  // namespace pscgi::process
