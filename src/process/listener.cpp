#include "process/listener.hpp"

#include "process/socket_endpoint.hpp"
#include "process/privileges.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace pscgi::process {
namespace {

[[noreturn]] void fail(const std::string& operation, const std::string& object, int error) {
  throw std::runtime_error(fmt::format("{} failed for \"{}\": {}", operation, object, std::strerror(error)));
}

// Owns a descriptor until released, so a failure half-way closes what was opened.
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard() { if (fd_ >= 0) ::close(fd_); }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const noexcept { return fd_; }
  int release() noexcept { int fd = fd_; fd_ = -1; return fd; }
 private:
  int fd_;
};

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    throw std::runtime_error(fmt::format("unix socket path \"{}\" is longer than {} bytes", path, sizeof(addr.sun_path) - 1));
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

bool someone_accepts_on(const sockaddr_un& addr) {
  FdGuard probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (probe.get() < 0) return false;
  return ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
}

// A socket file nobody accepts on is left over from a server that died: replace it. Anything else
// at that path is not ours to delete.
void clear_stale_socket_file(const std::string& path, const sockaddr_un& addr) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    fail("lstat()", path, errno);
  }
  if (!S_ISSOCK(st.st_mode)) {
    throw std::runtime_error(fmt::format("\"{}\" exists and is not a socket; refusing to replace it", path));
  }
  if (someone_accepts_on(addr)) {
    throw std::runtime_error(fmt::format("another server is accepting on \"{}\"; refusing to start", path));
  }
  spdlog::info("removing stale socket file \"{}\"", path);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail("unlink()", path, errno);
}

int open_unix(const config::ListenAddress& address, const config::Config& config) {
  const sockaddr_un addr = unix_address(address.path);
  clear_stale_socket_file(address.path, addr);
  FdGuard fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) fail("socket()", address.text, errno);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) fail("bind()", address.text, errno);
  if (::chmod(address.path.c_str(), config.socket_mode) != 0) {
    const int error = errno;
    ::unlink(address.path.c_str());
    fail("chmod()", address.path, error);
  }
  if (const int error = give_socket_to_workers(address.path, config); error != 0) {
    ::unlink(address.path.c_str());
    fail("lchown()", address.path, error);
  }
  if (::listen(fd.get(), config.backlog) != 0) {
    const int error = errno;
    ::unlink(address.path.c_str());
    fail("listen()", address.text, error);
  }
  return fd.release();
}

int open_tcp(const config::ListenAddress& address, const config::Config& config) {
  const AddrinfoPtr resolved = resolve_tcp_address(address);
  const addrinfo* found = resolved.get();
  FdGuard fd(::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) fail("socket()", address.text, errno);
  const int on = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (found->ai_family == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
  if (::bind(fd.get(), found->ai_addr, found->ai_addrlen) != 0) fail("bind()", address.text, errno);
  if (::listen(fd.get(), config.backlog) != 0) fail("listen()", address.text, errno);
  return fd.release();
}

}  // namespace

Listener open_listener(const config::ListenAddress& address, const config::Config& config) {
  const bool is_unix = address.kind == config::ListenAddress::Kind::unix_socket;
  return {is_unix ? open_unix(address, config) : open_tcp(address, config), address};
}

std::vector<Listener> open_listeners(const config::Config& config) {
  std::vector<Listener> listeners;
  try {
    for (const config::ListenAddress& address : config.listen) listeners.push_back(open_listener(address, config));
  } catch (...) {
    unlink_socket_files(listeners);
    close_listeners(listeners);
    throw;
  }
  return listeners;
}

void close_listeners(std::vector<Listener>& listeners) noexcept {
  for (Listener& l : listeners) {
    if (l.fd >= 0) ::close(l.fd);
    l.fd = -1;
  }
}

void unlink_socket_files(const std::vector<Listener>& listeners) noexcept {
  for (const Listener& l : listeners) {
    if (l.address.kind == config::ListenAddress::Kind::unix_socket && !l.inherited) ::unlink(l.address.path.c_str());
  }
}

}  // namespace pscgi::process
