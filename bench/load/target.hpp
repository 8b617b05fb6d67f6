#pragma once
/// \file
/// Where requests go: "unix:/path" or "host:port" ("[::1]:port" for IPv6), made into one generic
/// stream endpoint so the rest of the tool does not care which.

#include <boost/asio/generic/stream_protocol.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace pscgi::load {

/// A parsed but not yet resolved address.
struct Address {
  bool is_unix = false;
  std::string path;  ///< unix socket path
  std::string host;  ///< name or IP, without IPv6 brackets
  std::uint16_t port = 0;
};

/// Parses `text`; throws std::invalid_argument with the reason when it is not an address.
Address parse_address(std::string_view text);

struct Target {
  boost::asio::generic::stream_protocol::endpoint endpoint;
  std::string description;  ///< as the user wrote it
  bool is_unix = false;
};

/// Parses and resolves `text` (the first address the resolver returns); throws std::runtime_error
/// or std::invalid_argument on failure.
Target resolve_target(std::string_view text);

}  // namespace pscgi::load
