#pragma once
// A minimal SCGI client for the command line's own use (`pscgi status`): it asks the running server
// one question over a configured listen address, as a local tool would, and reads the whole answer.
// It sends no REMOTE_ADDR: to the server it is a client on the socket itself (`unix` in
// metrics.allow), not someone nginx passed on.

#include "config/config.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pscgi::status {

/// Why the server could not be asked. what() is a sentence for the operator.
class StatusError : public std::runtime_error {
 public:
  enum class Kind { not_running, refused, bad_answer };
  StatusError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

struct ScgiAnswer {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// The address the command line asks: the first unix socket in `listen` (a local tool belongs on
/// the local socket), else the first TCP address, with a wildcard host (0.0.0.0, ::) asked on
/// loopback. Throws StatusError when `listen` is empty.
config::ListenAddress address_to_ask(const config::Config& config);

/// Sends `GET uri` to `address` and reads the answer until the server closes. Each system call
/// waits at most `timeout`. Throws StatusError: not_running when nothing listens there,
/// refused when the socket may not be opened, bad_answer when the reply is not a CGI-style answer.
ScgiAnswer scgi_get(const config::ListenAddress& address, std::string_view uri, std::chrono::milliseconds timeout);

/// Parses "Status: 200 OK\r\nName: value\r\n\r\nbody" (the server's SCGI answer). Throws StatusError.
ScgiAnswer parse_scgi_answer(std::string_view wire);

/// The netstring of CGI variables of a bodiless GET for `uri`.
std::string encode_scgi_get(std::string_view uri);

}  // namespace pscgi::status
