#pragma once
// The `listen:` syntax: `unix:/absolute/path`, `host:port` or `[ipv6]:port`.

#include "config/config.hpp"

#include <string_view>

namespace pscgi::config {

/// Parses one listen address. A unix path must be absolute and fit in sockaddr_un; a port is
/// 1–65535; an IPv4 or IPv6 literal must be valid; a host name is letters, digits, `-` and `.`.
/// Throws std::invalid_argument with a message for people (it names the value, not the key).
ListenAddress parse_listen_address(std::string_view text);

/// True when both name the same socket: the same unix path, or the same host and port.
bool same_endpoint(const ListenAddress& a, const ListenAddress& b) noexcept;

}  // namespace pscgi::config
