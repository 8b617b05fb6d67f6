#include "status/scgi_client.hpp"

#include "protocol/http_fields.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

namespace pscgi::status {
namespace {

using Kind = StatusError::Kind;

class Socket {
 public:
  explicit Socket(int fd) noexcept : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void fail_to_connect(const config::ListenAddress& address, int error) {
  const std::string reason = std::strerror(error);
  if (error == EACCES || error == EPERM) {
    throw StatusError(Kind::refused, fmt::format("cannot open {}: {} (run as the server's user or a member of the "
                                                 "socket's group)", address.text, reason));
  }
  throw StatusError(Kind::not_running, fmt::format("pscgi is not running at {} ({})", address.text, reason));
}

// Applies to connect(), send() and recv() on Linux, so a stuck server cannot hang the command.
void set_timeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

std::unique_ptr<Socket> connect_unix(const config::ListenAddress& address, std::chrono::milliseconds timeout) {
  auto socket = std::make_unique<Socket>(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (socket->get() < 0) fail_to_connect(address, errno);
  set_timeouts(socket->get(), timeout);
  sockaddr_un peer{};
  peer.sun_family = AF_UNIX;
  std::memcpy(peer.sun_path, address.path.data(), std::min(address.path.size(), sizeof(peer.sun_path) - 1));
  if (::connect(socket->get(), reinterpret_cast<const sockaddr*>(&peer), sizeof(peer)) != 0) {
    fail_to_connect(address, errno);
  }
  return socket;
}

std::unique_ptr<Socket> connect_tcp(const config::ListenAddress& address, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  if (const int rc = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    throw StatusError(Kind::not_running, fmt::format("cannot resolve {}: {}", address.text, gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, freeaddrinfo);
  auto socket = std::make_unique<Socket>(::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (socket->get() < 0) fail_to_connect(address, errno);
  set_timeouts(socket->get(), timeout);
  if (::connect(socket->get(), found->ai_addr, found->ai_addrlen) != 0) fail_to_connect(address, errno);
  return socket;
}

void append_variable(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.push_back('\0');
  out.append(value);
  out.push_back('\0');
}

void send_all(int fd, std::string_view bytes, const config::ListenAddress& address) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw StatusError(Kind::bad_answer, fmt::format("sending the request to {} failed: {}", address.text,
                                                      n < 0 ? std::strerror(errno) : "nothing written"));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string read_all(int fd, const config::ListenAddress& address) {
  std::string answer;
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n > 0) {
      answer.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return answer;
    if (errno == EINTR) continue;
    const bool timed_out = errno == EAGAIN || errno == EWOULDBLOCK;
    throw StatusError(Kind::bad_answer, fmt::format("reading the answer from {} failed: {}", address.text,
                                                    timed_out ? "no answer in time" : std::strerror(errno)));
  }
}

}  // namespace

config::ListenAddress address_to_ask(const config::Config& config) {
  for (const config::ListenAddress& address : config.listen) {
    if (address.kind == config::ListenAddress::Kind::unix_socket) return address;
  }
  if (config.listen.empty()) throw StatusError(Kind::not_running, "the configuration has no `listen` address");
  config::ListenAddress address = config.listen.front();
  if (address.host == "0.0.0.0") address.host = "127.0.0.1";
  if (address.host == "::") address.host = "::1";
  return address;
}

std::string encode_scgi_get(std::string_view uri) {
  const std::string_view path = uri.substr(0, uri.find('?'));
  const std::string_view query = path.size() < uri.size() ? uri.substr(path.size() + 1) : std::string_view{};
  std::string variables;
  append_variable(variables, "CONTENT_LENGTH", "0");  // SCGI wants it first
  append_variable(variables, "SCGI", "1");
  append_variable(variables, "REQUEST_METHOD", "GET");
  append_variable(variables, "REQUEST_URI", uri);
  append_variable(variables, "DOCUMENT_URI", path);
  append_variable(variables, "QUERY_STRING", query);
  append_variable(variables, "SERVER_PROTOCOL", "HTTP/1.1");
  append_variable(variables, "SERVER_NAME", "localhost");
  append_variable(variables, "HTTP_USER_AGENT", "pscgi-status");
  return fmt::format("{}:{},", variables.size(), variables);
}

ScgiAnswer parse_scgi_answer(std::string_view wire) {
  const std::size_t head_end = wire.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    throw StatusError(Kind::bad_answer, wire.empty() ? "the server closed the connection without an answer"
                                                     : "the answer has no end of headers");
  }
  ScgiAnswer answer;
  answer.body = std::string(wire.substr(head_end + 4));
  std::string_view head = wire.substr(0, head_end + 2);
  while (!head.empty()) {
    const std::size_t line_end = head.find("\r\n");
    const std::string_view line = head.substr(0, line_end);
    head.remove_prefix(line_end + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) throw StatusError(Kind::bad_answer, "the answer has a header line without ':'");
    answer.headers.emplace_back(std::string(line.substr(0, colon)), std::string(protocol::trim_ows(line.substr(colon + 1))));
  }
  if (answer.headers.empty() || answer.headers.front().first != "Status") {
    throw StatusError(Kind::bad_answer, "the answer does not start with a Status line");
  }
  const std::string& status = answer.headers.front().second;
  const auto [end, ec] = std::from_chars(status.data(), status.data() + status.size(), answer.status);
  if (ec != std::errc() || answer.status < 100 || answer.status > 599) {
    throw StatusError(Kind::bad_answer, fmt::format("the answer's status \"{}\" is not a number", status));
  }
  return answer;
}

ScgiAnswer scgi_get(const config::ListenAddress& address, std::string_view uri, std::chrono::milliseconds timeout) {
  const std::unique_ptr<Socket> socket = address.kind == config::ListenAddress::Kind::unix_socket
                                             ? connect_unix(address, timeout)
                                             : connect_tcp(address, timeout);
  send_all(socket->get(), encode_scgi_get(uri), address);
  return parse_scgi_answer(read_all(socket->get(), address));
}

}  // namespace pscgi::status
