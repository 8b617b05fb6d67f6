#include "process/socket_activation.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

std::string describe(const InheritedSocket& socket) {
  const std::string what = socket.endpoint ? process::describe(*socket.endpoint) : socket.problem;
  return fmt::format("descriptor {} (\"{}\", {})", socket.fd, socket.name, what);
}

std::optional<int> int_option(int fd, int option) {
  int value = 0;
  socklen_t length = sizeof(value);
  if (::getsockopt(fd, SOL_SOCKET, option, &value, &length) != 0) return std::nullopt;
  return value;
}

// The descriptors systemd passed, with their names; the variables are unset whatever happens.
std::vector<InheritedSocket> take_inherited_sockets() {
  char** names = nullptr;
  const int count = ::sd_listen_fds_with_names(1, &names);
  if (count < 0) {
    throw std::runtime_error(fmt::format("socket activation: sd_listen_fds_with_names() failed: {}", std::strerror(-count)));
  }
  std::vector<InheritedSocket> sockets;
  for (int i = 0; i < count; ++i) {
    sockets.push_back(inspect_inherited_socket(SD_LISTEN_FDS_START + i, names != nullptr && names[i] != nullptr ? names[i] : "unknown"));
  }
  if (names != nullptr) {
    for (int i = 0; names[i] != nullptr; ++i) std::free(names[i]);
    std::free(names);
  }
  return sockets;
}

// A configured address that cannot be resolved matches nothing here; opening it fails later with
// the same message, as it would without socket activation.
std::vector<std::optional<SocketEndpoint>> wanted_endpoints(const std::vector<config::ListenAddress>& listen) {
  std::vector<std::optional<SocketEndpoint>> wanted;
  for (const config::ListenAddress& address : listen) {
    try {
      wanted.emplace_back(endpoint_of(address));
    } catch (const std::exception&) {
      wanted.emplace_back(std::nullopt);
    }
  }
  return wanted;
}

void close_all(const std::vector<InheritedSocket>& sockets) noexcept {
  for (const InheritedSocket& s : sockets) ::close(s.fd);
}

// Workers run an epoll loop on the listeners and CGI scripts must not inherit them: the same flags
// as the sockets pscgi opens itself.
void make_nonblocking_cloexec(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 || ::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
    throw std::runtime_error(fmt::format("socket activation: fcntl() failed for descriptor {}: {}", fd, std::strerror(errno)));
  }
}

}  // namespace

InheritedMatch match_inherited_sockets(const std::vector<config::ListenAddress>& listen,
                                       const std::vector<std::optional<SocketEndpoint>>& wanted,
                                       const std::vector<InheritedSocket>& inherited) {
  InheritedMatch match;
  match.for_address.assign(listen.size(), std::nullopt);
  std::vector<bool> taken(inherited.size(), false);
  for (std::size_t a = 0; a < listen.size() && a < wanted.size(); ++a) {
    if (!wanted[a]) continue;
    for (std::size_t s = 0; s < inherited.size(); ++s) {
      if (!taken[s] && inherited[s].endpoint == wanted[a]) {
        match.for_address[a] = s;
        taken[s] = true;
        break;
      }
    }
  }
  for (std::size_t s = 0; s < inherited.size(); ++s) {
    if (taken[s]) continue;
    const InheritedSocket& socket = inherited[s];
    match.unmatched.push_back(socket.endpoint ? fmt::format("{} matches no address in listen", describe(socket))
                                              : fmt::format("{} is not a listening stream socket", describe(socket)));
  }
  return match;
}

InheritedSocket inspect_inherited_socket(int fd, std::string name) {
  InheritedSocket socket{fd, std::move(name), std::nullopt, {}};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    socket.problem = fmt::format("fstat() failed: {}", std::strerror(errno));
  } else if (!S_ISSOCK(st.st_mode)) {
    socket.problem = "not a socket";
  } else if (int_option(fd, SO_TYPE) != SOCK_STREAM) {
    socket.problem = "not a stream socket";
  } else if (int_option(fd, SO_ACCEPTCONN) != 1) {
    socket.problem = "not listening";
  } else {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      socket.problem = fmt::format("getsockname() failed: {}", std::strerror(errno));
    } else if (!(socket.endpoint = endpoint_of(reinterpret_cast<const sockaddr*>(&address), length))) {
      socket.problem = "neither a unix nor an IP socket";
    }
  }
  return socket;
}

std::vector<Listener> take_inherited_listeners(const config::Config& config) {
  const std::vector<InheritedSocket> inherited = take_inherited_sockets();
  if (inherited.empty()) return {};
  const InheritedMatch match = match_inherited_sockets(config.listen, wanted_endpoints(config.listen), inherited);
  if (!match.unmatched.empty()) {
    close_all(inherited);
    std::string lines;
    for (const std::string& line : match.unmatched) lines += "\n  " + line;
    throw std::runtime_error(fmt::format(
        "socket activation: the service manager passed socket(s) that pscgi cannot serve:{}\n"
        "list each address in `listen` of {} (or remove it from the socket unit)",
        lines, config.source.empty() ? "the config" : config.source));
  }
  std::vector<Listener> listeners;
  try {
    for (std::size_t a = 0; a < config.listen.size(); ++a) {
      if (!match.for_address[a]) continue;
      const int fd = inherited[*match.for_address[a]].fd;
      make_nonblocking_cloexec(fd);
      listeners.push_back({fd, config.listen[a], true});
    }
  } catch (...) {
    close_all(inherited);
    throw;
  }
  return listeners;
}

}  // namespace pscgi::process
