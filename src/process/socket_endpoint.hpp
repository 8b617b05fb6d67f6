#pragma once
// What a stream socket is bound to, as a plain value: a unix path, or an IPv4/IPv6 address and
// port. Socket activation compares the endpoint of each descriptor the service manager passed
// (getsockname) with the endpoint each configured `listen` address resolves to, so the comparison
// itself is a pure function the unit tests feed with made-up endpoints.

#include "config/config.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <netdb.h>
#include <optional>
#include <string>
#include <sys/socket.h>

namespace pscgi::process {

struct SocketEndpoint {
  enum class Family { unix_socket, ipv4, ipv6 };
  Family family = Family::unix_socket;
  std::string path;                          ///< unix: the bound path (abstract names start with '@')
  std::array<std::uint8_t, 16> address{};    ///< ipv4: the first 4 bytes; ipv6: all 16 (network order)
  std::uint16_t port = 0;                    ///< tcp, host order

  friend bool operator==(const SocketEndpoint&, const SocketEndpoint&) = default;
};

/// For messages: `unix:/run/pscgi/pscgi.sock`, `127.0.0.1:4000`, `[::1]:4000`.
std::string describe(const SocketEndpoint& endpoint);

/// The endpoint of a socket address as getsockname() or getaddrinfo() gives it; nullopt for a
/// family other than AF_UNIX, AF_INET and AF_INET6 (or an unnamed unix socket).
std::optional<SocketEndpoint> endpoint_of(const sockaddr* address, socklen_t length);

using AddrinfoPtr = std::unique_ptr<addrinfo, decltype(&freeaddrinfo)>;

/// How a TCP `listen` address is resolved for bind(): getaddrinfo(host, port) for a passive stream
/// socket, the first result being the one used. Throws std::runtime_error naming the address.
AddrinfoPtr resolve_tcp_address(const config::ListenAddress& address);

/// The endpoint a configured address binds to (a unix path as written; a TCP address resolved by
/// resolve_tcp_address). Throws as resolve_tcp_address does.
SocketEndpoint endpoint_of(const config::ListenAddress& address);

}  // namespace pscgi::process
