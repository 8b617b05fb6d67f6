#pragma once
// The listening sockets. The master opens them before forking; every worker inherits the same
// sockets (one shared accept queue, so a worker that exits leaves no connections behind). A reload
// keeps the sockets of addresses still listed open (src/process/listener_pool.hpp).

#include "config/config.hpp"

#include <string>
#include <vector>

namespace pscgi::process {

struct Listener {
  int fd = -1;
  config::ListenAddress address;
  /// Passed in by the service manager (socket activation, src/process/socket_activation.hpp):
  /// pscgi only closes it — never unlinks its path, never changes its mode or owner.
  bool inherited = false;
};

/// Opens, binds and listens on every configured address; the sockets are non-blocking and
/// close-on-exec. A unix socket path that is a live socket (a probe connect succeeds) or not a
/// socket at all is an error; a stale socket file is replaced. Throws std::runtime_error with the
/// failed operation and its object in the message; nothing is left open or created on failure.
std::vector<Listener> open_listeners(const config::Config& config);

/// Opens one address with the config's backlog and socket_mode (see open_listeners). Throws the
/// same way; nothing is left open or created on failure.
Listener open_listener(const config::ListenAddress& address, const config::Config& config);

/// Closes the sockets in this process (others keep theirs).
void close_listeners(std::vector<Listener>& listeners) noexcept;

/// Removes the unix socket files, so new connects fail at once. Only paths this process created:
/// an inherited socket's file stays (its owner keeps it listening, and connects wait in its queue).
void unlink_socket_files(const std::vector<Listener>& listeners) noexcept;

}  // namespace pscgi::process
