#include "process/socket_endpoint.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/un.h>

namespace pscgi::process {

std::string describe(const SocketEndpoint& endpoint) {
  char text[INET6_ADDRSTRLEN] = {};
  switch (endpoint.family) {
    case SocketEndpoint::Family::unix_socket:
      return "unix:" + endpoint.path;
    case SocketEndpoint::Family::ipv4:
      ::inet_ntop(AF_INET, endpoint.address.data(), text, sizeof(text));
      return fmt::format("{}:{}", text, endpoint.port);
    case SocketEndpoint::Family::ipv6:
      ::inet_ntop(AF_INET6, endpoint.address.data(), text, sizeof(text));
      return fmt::format("[{}]:{}", text, endpoint.port);
  }
  return "?";
}

std::optional<SocketEndpoint> endpoint_of(const sockaddr* address, socklen_t length) {
  SocketEndpoint endpoint;
  if (address->sa_family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(address);
    const std::size_t header = offsetof(sockaddr_un, sun_path);
    if (length <= header) return std::nullopt;  // unnamed
    std::string path(un->sun_path, length - header);
    if (path.front() == '\0') {
      path.front() = '@';  // abstract: the name is every byte given, NULs included
    } else {
      path.resize(std::strlen(path.c_str()));
    }
    endpoint.path = std::move(path);
    return endpoint;
  }
  if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    endpoint.family = SocketEndpoint::Family::ipv4;
    std::memcpy(endpoint.address.data(), &in->sin_addr, sizeof(in->sin_addr));
    endpoint.port = ntohs(in->sin_port);
    return endpoint;
  }
  if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    endpoint.family = SocketEndpoint::Family::ipv6;
    std::memcpy(endpoint.address.data(), &in6->sin6_addr, sizeof(in6->sin6_addr));
    endpoint.port = ntohs(in6->sin6_port);
    return endpoint;
  }
  return std::nullopt;
}

AddrinfoPtr resolve_tcp_address(const config::ListenAddress& address) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  if (const int rc = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    throw std::runtime_error(fmt::format("getaddrinfo() failed for \"{}\": {}", address.text, gai_strerror(rc)));
  }
  return {found, freeaddrinfo};
}

SocketEndpoint endpoint_of(const config::ListenAddress& address) {
  if (address.kind == config::ListenAddress::Kind::unix_socket) return {SocketEndpoint::Family::unix_socket, address.path, {}, 0};
  const AddrinfoPtr found = resolve_tcp_address(address);
  const std::optional<SocketEndpoint> endpoint = endpoint_of(found->ai_addr, found->ai_addrlen);
  if (!endpoint) throw std::runtime_error(fmt::format("\"{}\" resolves to an address family pscgi cannot listen on", address.text));
  return *endpoint;
}

}  // namespace pscgi::process
