#include "config/listen_address.hpp"

#include "protocol/http_fields.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <charconv>
#include <stdexcept>
#include <string>

namespace pscgi::config {
namespace {

constexpr std::string_view kUnixPrefix = "unix:";

[[noreturn]] void refuse(std::string message) { throw std::invalid_argument(std::move(message)); }

ListenAddress parse_unix(std::string_view text) {
  const std::string_view path = text.substr(kUnixPrefix.size());
  if (path.empty() || path.front() != '/') {
    refuse(fmt::format("\"{}\": the socket path must be absolute, e.g. unix:/run/pscgi/pscgi.sock", text));
  }
  // sun_path holds the path and its terminating NUL.
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    refuse(fmt::format("\"{}\": the socket path is {} bytes long, the system allows at most {}", text, path.size(),
                       sizeof(sockaddr_un{}.sun_path) - 1));
  }
  if (path.find('\0') != std::string_view::npos) refuse("the socket path contains a NUL byte");
  ListenAddress address;
  address.kind = ListenAddress::Kind::unix_socket;
  address.path = std::string(path);
  address.text = std::string(text);
  return address;
}

std::uint16_t parse_port(std::string_view text, std::string_view port) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
    refuse(fmt::format("\"{}\": the port must be a number from 1 to 65535, got \"{}\"", text, port));
  }
  return static_cast<std::uint16_t>(value);
}

bool looks_like_ipv4(std::string_view host) { return host.find_first_not_of("0123456789.") == std::string_view::npos; }

bool is_host_name(std::string_view host) {
  for (char c : host) {
    if (!protocol::is_alnum(c) && c != '-' && c != '.') return false;
  }
  return !host.empty() && host.front() != '-' && host.front() != '.';
}

void check_host(std::string_view text, std::string_view host, bool bracketed) {
  const std::string copy(host);
  unsigned char buffer[sizeof(in6_addr)];
  if (bracketed) {
    if (inet_pton(AF_INET6, copy.c_str(), buffer) != 1) {
      refuse(fmt::format("\"{}\": \"{}\" is not an IPv6 address", text, host));
    }
  } else if (looks_like_ipv4(host)) {
    if (inet_pton(AF_INET, copy.c_str(), buffer) != 1) {
      refuse(fmt::format("\"{}\": \"{}\" is not an IPv4 address", text, host));
    }
  } else if (!is_host_name(host)) {
    refuse(fmt::format("\"{}\": \"{}\" is not a host name or address", text, host));
  }
}

ListenAddress parse_tcp(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    const bool bare_port = text.find_first_not_of("0123456789") == std::string_view::npos;
    if (bare_port) refuse(fmt::format("\"{}\" has no host: write 127.0.0.1:{} (or [::1]:{})", text, text, text));
    refuse(fmt::format("\"{}\" is not a listen address: write unix:/path/to.sock, host:port or [ipv6]:port", text));
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    refuse(fmt::format("\"{}\": put an IPv6 address in brackets, e.g. [::1]:4000", text));
  }
  if (host.empty()) {
    refuse(fmt::format("\"{}\" needs a host: write 127.0.0.1{} for loopback only, 0.0.0.0{} for every interface", text,
                       text.substr(colon), text.substr(colon)));
  }
  check_host(text, host, bracketed);
  ListenAddress address;
  address.kind = ListenAddress::Kind::tcp;
  address.host = std::string(host);
  address.port = parse_port(text, port);
  address.text = std::string(text);
  return address;
}

}  // namespace

ListenAddress parse_listen_address(std::string_view text) {
  if (text.empty()) refuse("expected an address such as unix:/run/pscgi/pscgi.sock or 127.0.0.1:4000, got nothing");
  if (text.substr(0, kUnixPrefix.size()) == kUnixPrefix) return parse_unix(text);
  return parse_tcp(text);
}

bool same_endpoint(const ListenAddress& a, const ListenAddress& b) noexcept {
  if (a.kind != b.kind) return false;
  if (a.kind == ListenAddress::Kind::unix_socket) return a.path == b.path;
  return a.host == b.host && a.port == b.port;
}

}  // namespace pscgi::config
