// pscgi-ideal: the practical physical limit of an SCGI backend on this machine. A prefork server
// that does the least a correct responder can do per request: accept, read the request (one read
// in practice), write a canned CGI response, close. No parsing beyond finding the request's end,
// no allocation, no logging. Whatever a real server spends above this, per request, is its own.
//
//   pscgi-ideal --listen unix:/tmp/ideal.sock --workers 2 [--body-bytes 64 | --response-file F]
//
// The master opens the listening socket, forks the workers, prints "ready" (or writes it to
// --ready-file), and waits for SIGTERM or SIGINT; then it kills the workers by PID, removes the
// unix socket and exits 0.

#include <CLI/CLI.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::size_t buffer_size = 64 * 1024;

[[noreturn]] void die(const std::string& what) {
  std::cerr << "pscgi-ideal: " << what << ": " << std::strerror(errno) << "\n";
  std::exit(1);
}

// The listening socket for "unix:/path" or "IPv4:port".
int open_listener(const std::string& spec) {
  int fd = -1;
  if (spec.starts_with("unix:")) {
    const std::string path = spec.substr(5);
    sockaddr_un address{};
    if (path.empty() || path.size() >= sizeof address.sun_path) {
      errno = ENAMETOOLONG;
      die("bad unix socket path '" + path + "'");
    }
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    struct stat existing {};
    if (::lstat(path.c_str(), &existing) == 0 && S_ISSOCK(existing.st_mode)) ::unlink(path.c_str());
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      die("bind " + spec);
    }
  } else {
    const auto colon = spec.rfind(':');
    sockaddr_in address{};
    address.sin_family = AF_INET;
    const int port = colon == std::string::npos ? 0 : std::atoi(spec.c_str() + colon + 1);
    if (port <= 0 || port > 65535 ||
        ::inet_pton(AF_INET, spec.substr(0, colon).c_str(), &address.sin_addr) != 1) {
      errno = EINVAL;
      die("bad --listen '" + spec + "' (unix:/path or IPv4:port)");
    }
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int on = 1;
    if (fd >= 0) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      die("bind " + spec);
    }
  }
  if (::listen(fd, SOMAXCONN) != 0) die("listen " + spec);
  return fd;
}

// How many bytes the whole request has: netstring "<len>:<headers>," plus CONTENT_LENGTH bytes of
// body. 0 while the bytes so far do not tell yet; `have` when they never will (malformed: answer
// anyway, this is not a validating server).
std::size_t request_size(const char* data, std::size_t have) {
  std::size_t i = 0, header_length = 0;
  for (; i < have && data[i] >= '0' && data[i] <= '9'; ++i) {
    header_length = header_length * 10 + static_cast<std::size_t>(data[i] - '0');
    if (header_length > buffer_size) return have;
  }
  if (i == have) return 0;
  if (data[i] != ':' || i == 0) return have;
  const std::string_view rest(data + i + 1, have - i - 1);
  constexpr std::string_view name("CONTENT_LENGTH\0", 15);
  if (rest.size() < name.size()) return rest == name.substr(0, rest.size()) ? 0 : have;
  if (!rest.starts_with(name)) return have;
  std::size_t body = 0, j = name.size();
  for (; j < rest.size() && rest[j] >= '0' && rest[j] <= '9'; ++j) {
    body = body * 10 + static_cast<std::size_t>(rest[j] - '0');
  }
  if (j == rest.size()) return 0;
  return i + 1 + header_length + 1 + body;
}

// Reads until the whole request is in (or the peer stops sending); bytes past the buffer are
// read over its start, since nothing looks at them.
void read_request(int fd, char* buffer) {
  std::size_t have = 0, total = 0;
  while (true) {
    const std::size_t offset = have < buffer_size ? have : 0;
    const ssize_t n = ::read(fd, buffer + offset, buffer_size - offset);
    if (n <= 0) return;
    have += static_cast<std::size_t>(n);
    if (total == 0) total = request_size(buffer, std::min(have, buffer_size));
    if (total != 0 && have >= total) return;
  }
}

[[noreturn]] void serve(int listener, const std::string& response) {
  static char buffer[buffer_size];
  while (true) {
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;  // EINTR, ECONNABORTED, EMFILE: try again
    read_request(fd, buffer);
    for (std::size_t sent = 0; sent < response.size();) {
      const ssize_t n = ::send(fd, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
}

std::string canned_response(std::size_t body_bytes) {
  std::string body;
  static constexpr std::string_view pattern = "<p>pscgi-ideal</p>\n";
  while (body.size() < body_bytes) body += pattern;
  body.resize(body_bytes);
  return "Status: 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
         std::to_string(body_bytes) + "\r\n\r\n" + body;
}

pid_t spawn_worker(int listener, const std::string& response, const sigset_t& master_mask) {
  const pid_t master = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) die("fork");
  if (pid > 0) return pid;
  // In the worker: die with the master (checking it did not die before prctl took effect), leave
  // a terminal's Ctrl-C to the master, and take SIGTERM with its default action.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != master) std::_Exit(0);
  std::signal(SIGINT, SIG_IGN);
  ::sigprocmask(SIG_UNBLOCK, &master_mask, nullptr);
  serve(listener, response);
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen, response_file, ready_file;
  int workers = 1;
  std::size_t body_bytes = 64;
  CLI::App app{"pscgi-ideal: the smallest correct prefork SCGI responder, a baseline for pscgi"};
  app.add_option("--listen", listen, "unix:/path or 127.0.0.1:PORT")->required();
  app.add_option("--workers", workers, "worker processes")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  auto* file = app.add_option("--response-file", response_file,
                              "a complete CGI response (head, blank line, body) sent verbatim")
                   ->check(CLI::ExistingFile);
  app.add_option("--body-bytes", body_bytes, "body size of the built-in 200 text/html response")
      ->capture_default_str()
      ->excludes(file);
  app.add_option("--ready-file", ready_file, "write \"ready\" here instead of stdout");
  CLI11_PARSE(app, argc, argv);

  std::string response = canned_response(body_bytes);
  if (!response_file.empty()) {
    std::ifstream in(response_file, std::ios::binary);
    response.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  // Block the signals the master waits for before forking, so none is lost in between.
  sigset_t mask;
  sigemptyset(&mask);
  for (int signal : {SIGTERM, SIGINT, SIGCHLD}) sigaddset(&mask, signal);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);

  const int listener = open_listener(listen);
  std::vector<pid_t> pids;
  for (int i = 0; i < workers; ++i) pids.push_back(spawn_worker(listener, response, mask));

  if (ready_file.empty()) {
    std::cout << "ready" << std::endl;
  } else {
    const std::string temporary = ready_file + ".tmp";
    std::ofstream(temporary) << "ready\n";
    std::rename(temporary.c_str(), ready_file.c_str());  // appears complete or not at all
  }

  int exit_code = 0;
  for (bool running = true; running;) {
    const int signal = ::sigwaitinfo(&mask, nullptr);
    if (signal == SIGCHLD) {
      // A worker died (it never should): say so, and stop rather than benchmark a smaller pool.
      int status = 0;
      const pid_t dead = ::waitpid(-1, &status, WNOHANG);
      if (dead <= 0) continue;
      std::cerr << "pscgi-ideal: worker " << dead << " exited unexpectedly\n";
      std::erase(pids, dead);
      exit_code = 1;
      running = false;
    } else if (signal == SIGTERM || signal == SIGINT) {
      running = false;
    }
  }
  for (pid_t pid : pids) ::kill(pid, SIGTERM);
  for (pid_t pid : pids) ::waitpid(pid, nullptr, 0);
  if (listen.starts_with("unix:")) ::unlink(listen.substr(5).c_str());
  return exit_code;
}
