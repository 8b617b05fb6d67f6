#pragma once
// Which listening socket each configuration generation uses. A reload keeps listening on every
// address the new config still lists — the same socket, so its accept queue is never dropped — and
// opens only the new addresses; a socket is closed once no live generation lists it. The pool only
// keeps the books (no system call), so its decisions are unit-tested with made-up descriptors;
// Generations opens and closes the sockets.

#include "config/config.hpp"
#include "process/listener.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <sys/types.h>
#include <vector>

namespace pscgi::process {

/// One socket the master has open, with what it was opened with and who lists it.
struct PooledListener {
  Listener listener;
  int backlog = 0;         ///< as listen() was given it; a reload does not change it
  mode_t socket_mode = 0;  ///< of the unix socket file, as created
  std::set<std::uint32_t> generations;  ///< the live generations whose `listen` names it
};

class ListenerPool {
 public:
  /// The open socket for the same endpoint as `address` (same unix path, or same host and port),
  /// or nullptr: the address must be opened.
  const PooledListener* find(const config::ListenAddress& address) const noexcept;

  /// `generation` listens on `listener`: a socket already in the pool (same descriptor) gains a
  /// user; a new one joins the pool with the backlog and mode it was opened with.
  void use(std::uint32_t generation, const Listener& listener, int backlog, mode_t socket_mode);

  /// `generation` is gone: returns the sockets no live generation lists any more, taken out of the
  /// pool (the caller closes them).
  std::vector<Listener> release(std::uint32_t generation);

  /// The descriptors of every socket in the pool that `generation` does not list.
  std::vector<int> fds_not_used_by(std::uint32_t generation) const;

  /// Empties the pool (a stop); returns every socket.
  std::vector<Listener> take_all();

  const std::vector<PooledListener>& all() const noexcept { return listeners_; }

 private:
  std::vector<PooledListener> listeners_;
};

/// The settings a reload cannot apply, as warnings for the log (empty when none changed):
/// `pid_file` (the master keeps the file it wrote at start), and `backlog` and `socket_mode` of the
/// sockets `next` shares with earlier generations (they stay as they were opened). Inherited
/// sockets are left out: the config's backlog and mode never applied to them.
std::vector<std::string> settings_needing_restart(const std::optional<std::string>& running_pid_file,
                                                  const std::vector<const PooledListener*>& kept,
                                                  const config::Config& next);

}  // namespace pscgi::process
