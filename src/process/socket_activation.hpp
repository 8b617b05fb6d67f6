#pragma once
// Socket activation: listening sockets the service manager opened and passed in (systemd's
// LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES, read with sd_listen_fds_with_names()). Such a socket
// outlives pscgi — systemd keeps its own copy — so connects made while pscgi restarts wait in its
// queue instead of failing, and a new binary picks them up.
//
// Each passed descriptor is matched to a configured `listen` address by what it is bound to
// (getsockname: the same unix path, or the same IP address and port once the configured host is
// resolved as for bind()), never by its position or name. A matched address uses the passed socket;
// an address with none is opened as usual. A passed socket that no address takes is an error that
// stops the start: systemd keeps it listening, so connects to it would queue where nobody ever
// accepts them — better to fail at once, naming it, than to hang clients.

#include "config/config.hpp"
#include "process/listener.hpp"
#include "process/socket_endpoint.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pscgi::process {

/// One descriptor the service manager passed, as found.
struct InheritedSocket {
  int fd = -1;
  std::string name;                        ///< its LISTEN_FDNAMES entry (systemd: FileDescriptorName=)
  std::optional<SocketEndpoint> endpoint;  ///< set when it is a listening stream socket pscgi can serve
  std::string problem;                     ///< otherwise, what it is instead ("not a socket", …)
};

struct InheritedMatch {
  /// For each configured address, in `listen` order: the index in `inherited` of the socket it
  /// uses, or nullopt when it has none (pscgi opens it).
  std::vector<std::optional<std::size_t>> for_address;
  /// One line for each passed socket that no address takes (naming its descriptor, name and
  /// endpoint or problem); the start is refused when this is not empty.
  std::vector<std::string> unmatched;
};

/// Pairs configured addresses with passed sockets (no system call). `wanted[i]` is the endpoint
/// `listen[i]` binds to, nullopt when it cannot be resolved (it then matches nothing). Each socket
/// serves at most one address; a socket with a problem serves none.
InheritedMatch match_inherited_sockets(const std::vector<config::ListenAddress>& listen,
                                       const std::vector<std::optional<SocketEndpoint>>& wanted,
                                       const std::vector<InheritedSocket>& inherited);

/// What the descriptor is: its endpoint when it is a listening stream socket of a family pscgi
/// serves, else the problem. `name` is copied into the result.
InheritedSocket inspect_inherited_socket(int fd, std::string name);

/// Reads the sockets the service manager passed to this process (none when LISTEN_PID names another
/// process or LISTEN_FDS is unset) and unsets LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES in every
/// case, so that workers and CGI scripts never see them. Returns a Listener (inherited, with the
/// configured address; non-blocking and close-on-exec) for each address a passed socket matches.
/// Throws std::runtime_error, with every passed descriptor closed, when one matches no address or
/// the variables are malformed.
std::vector<Listener> take_inherited_listeners(const config::Config& config);

}  // namespace pscgi::process
