#include "harness.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace pscgi::testing {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Waits for a child with a deadline, polling waitpid (a test has no SIGCHLD handler to wait on).
std::optional<int> wait_child(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0) return std::nullopt;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(5ms);
  }
}

}  // namespace

int free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

namespace {

int bind_notify_socket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    throw std::runtime_error("bind(notify socket) failed: " + std::string(std::strerror(errno)));
  }
  return fd;
}

[[noreturn]] void exec_with_output(const std::vector<std::string>& args, const std::string& output_path) {
  const int out = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  ::dup2(out, STDOUT_FILENO);
  ::dup2(out, STDERR_FILENO);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  std::_Exit(127);
}

// In the child, before exec: what systemd does for socket activation. Each socket is first moved
// above the range it goes to, so that a socket already sitting at 3 or 4 is not overwritten
// before it is placed; dup2 leaves the placed descriptors without close-on-exec.
void hand_over_sockets(const PassedSockets& passed) {
  if (passed.fds.empty()) return;
  std::vector<int> moved;
  for (int fd : passed.fds) moved.push_back(::fcntl(fd, F_DUPFD_CLOEXEC, 64));
  for (std::size_t i = 0; i < moved.size(); ++i) {
    ::dup2(moved[i], 3 + static_cast<int>(i));
    ::close(moved[i]);
  }
  ::setenv("LISTEN_PID", std::to_string(passed.listen_pid.value_or(::getpid())).c_str(), 1);
  ::setenv("LISTEN_FDS", std::to_string(passed.fds.size()).c_str(), 1);
  std::string names;
  for (const std::string& name : passed.names) names += (names.empty() ? "" : ":") + name;
  if (!passed.names.empty()) ::setenv("LISTEN_FDNAMES", names.c_str(), 1);
}

int bound_and_listening(int fd, const sockaddr* address, socklen_t length, const std::string& what) {
  if (fd < 0 || ::bind(fd, address, length) != 0 || ::listen(fd, 1024) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot listen on " + what + ": " + std::strerror(error));
  }
  return fd;
}

}  // namespace

int listen_unix(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  const int fd = bound_and_listening(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), reinterpret_cast<sockaddr*>(&address),
                                     sizeof(address), path);
  ::chmod(path.c_str(), 0666);  // nginx's workers run as another user (a socket unit's SocketMode=)
  return fd;
}

int listen_tcp(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int on = 1;
  if (fd >= 0) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  return bound_and_listening(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address), "127.0.0.1:" + std::to_string(port));
}

TempDir::TempDir() {
  char pattern[] = "/tmp/pscgi-test-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
  ::chmod(path_.c_str(), 0755);  // nginx workers run as another user
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::optional<std::string> Reply::header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (lower(n) == lower(name)) return v;
  }
  return std::nullopt;
}

Reply parse_reply(const std::string& raw) {
  Reply reply;
  reply.raw = raw;
  const std::size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return reply;
  std::istringstream head(raw.substr(0, head_end));
  std::string line;
  bool first = true;
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (first && line.rfind("HTTP/", 0) == 0) {
      reply.status = std::atoi(line.c_str() + line.find(' ') + 1);
      first = false;
      continue;
    }
    first = false;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) return reply;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    reply.headers.emplace_back(line.substr(0, colon), value);
    if (lower(line.substr(0, colon)) == "status") reply.status = std::atoi(value.c_str());
  }
  reply.body = raw.substr(head_end + 4);
  reply.ok = reply.status != 0;
  return reply;
}

std::string scgi_request(const std::string& method, const std::string& uri,
                         const std::vector<std::pair<std::string, std::string>>& extra, const std::string& body) {
  const std::size_t q = uri.find('?');
  std::vector<std::pair<std::string, std::string>> vars = {
      {"CONTENT_LENGTH", std::to_string(body.size())},
      {"SCGI", "1"},
      {"REQUEST_METHOD", method},
      {"REQUEST_URI", uri},
      {"QUERY_STRING", q == std::string::npos ? "" : uri.substr(q + 1)},
      {"CONTENT_TYPE", ""},
      {"DOCUMENT_URI", uri.substr(0, q)},
      {"DOCUMENT_ROOT", "/var/www"},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"REQUEST_SCHEME", "http"},
      {"REMOTE_ADDR", "127.0.0.1"},
      {"REMOTE_PORT", "40000"},
      {"SERVER_PORT", "80"},
      {"SERVER_NAME", "localhost"},
      {"HTTP_HOST", "localhost"},
  };
  for (const auto& [name, value] : extra) {
    const auto same = std::find_if(vars.begin(), vars.end(), [&](const auto& var) { return var.first == name; });
    if (same != vars.end()) {
      same->second = value;
    } else {
      vars.emplace_back(name, value);
    }
  }
  std::string block;
  for (const auto& [n, v] : vars) {
    block += n;
    block.push_back('\0');
    block += v;
    block.push_back('\0');
  }
  return std::to_string(block.size()) + ":" + block + "," + body;
}

int connect_unix(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int connect_tcp(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string read_until_eof(int fd, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  std::string out;
  char buffer[16384];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return out;
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

Reply scgi_exchange(const std::string& socket_path, const std::string& request_bytes, std::chrono::milliseconds deadline) {
  const int fd = connect_unix(socket_path);
  if (fd < 0) return {};
  if (!write_all(fd, request_bytes)) {
    ::close(fd);
    return {};
  }
  Reply reply = parse_reply(read_until_eof(fd, deadline));
  ::close(fd);
  return reply;
}

Reply scgi_get(const std::string& socket_path, const std::string& uri,
               const std::vector<std::pair<std::string, std::string>>& extra) {
  return scgi_exchange(socket_path, scgi_request("GET", uri, extra));
}

Server::Server(const TempDir& dir, std::string config_yaml, std::string binary)
    : Server(dir, std::move(config_yaml), PassedSockets{}, std::move(binary)) {}

Server::Server(const TempDir& dir, std::string config_yaml, PassedSockets passed, std::string binary)
    : socket_(dir.file("pscgi.sock")), log_path_(dir.file("pscgi.log")), dir_(dir.path()), config_path_(dir.file("pscgi.yaml")) {
  const std::string& config_path = config_path_;
  write_config(config_yaml);
  const std::string notify_path = dir.file("notify.sock");
  ::unlink(notify_path.c_str());
  const int notify = bind_notify_socket(notify_path);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::setenv("NOTIFY_SOCKET", notify_path.c_str(), 1);
    hand_over_sockets(passed);
    exec_with_output({binary, "--config", config_path}, log_path_);
  }
  const auto deadline = Clock::now() + 20s;
  char message[256];
  for (;;) {
    pollfd p{notify, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) {
      const ssize_t n = ::recv(notify, message, sizeof(message) - 1, 0);
      if (n > 0 && std::string(message, static_cast<std::size_t>(n)).find("READY=1") != std::string::npos) break;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      ::close(notify);
      throw std::runtime_error("pscgi exited before it was ready:\n" + log());
    }
    if (Clock::now() >= deadline) {
      ::close(notify);
      stop();  // a constructor that throws gets no destructor: stop what was started here
      throw std::runtime_error("pscgi was not ready within 20 s:\n" + log());
    }
  }
  ::close(notify);
}

Server::~Server() { stop(); }

void Server::stop() {
  if (exited_) return;
  const std::vector<pid_t> workers = worker_pids();
  signal(SIGTERM);
  if (!wait_exit(15s)) {
    signal(SIGKILL);
    wait_exit(5s);
  }
  for (pid_t worker : workers) ::kill(worker, SIGKILL);  // only if any outlived their master
}

bool wait_processes_gone(const std::vector<pid_t>& pids, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    bool any = false;
    for (pid_t pid : pids) any = any || ::kill(pid, 0) == 0;
    if (!any) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
}

std::string Server::log() const { return read_file(log_path_); }

void Server::write_config(const std::string& config_yaml) const {
  // Written aside and renamed over, so that a reload never reads half a file.
  const std::string next = config_path_ + ".next";
  write_file(next, replace_all(replace_all(config_yaml, "{socket}", socket_), "{dir}", dir_));
  std::filesystem::rename(next, config_path_);
}

bool Server::wait_for_log(const std::string& text, std::chrono::milliseconds limit) const {
  return wait_until([&] { return log().find(text) != std::string::npos; }, limit);
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit, std::chrono::milliseconds poll) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(poll);
  }
  return done();
}

int count_occurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

std::string lines_with(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  std::string found;
  while (std::getline(in, line)) {
    if (line.find(needle) != std::string::npos) found += line + "\n";
  }
  return found;
}

void Server::signal(int sig) const {
  if (!exited_) ::kill(pid_, sig);
}

std::optional<int> Server::wait_exit(std::chrono::milliseconds deadline) {
  const auto status = wait_child(pid_, deadline);
  if (status) exited_ = true;
  return status;
}

std::vector<pid_t> Server::worker_pids() const {
  std::vector<pid_t> pids;
  std::istringstream in(read_file("/proc/" + std::to_string(pid_) + "/task/" + std::to_string(pid_) + "/children"));
  pid_t pid;
  while (in >> pid) pids.push_back(pid);
  return pids;
}

std::pair<int, std::string> run_binary(const std::vector<std::string>& args, std::chrono::milliseconds deadline) {
  std::vector<std::string> argv = {PSCGI_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, deadline);
}

std::pair<int, std::string> run_program(const std::vector<std::string>& argv, std::chrono::milliseconds deadline) {
  TempDir dir;
  const std::string out = dir.file("out.txt");
  const pid_t pid = ::fork();
  if (pid == 0) exec_with_output(argv, out);
  const auto status = wait_child(pid, deadline);
  if (!status) {
    ::kill(pid, SIGKILL);
    wait_child(pid, 5s);
    return {-1, read_file(out)};
  }
  return {WIFEXITED(*status) ? WEXITSTATUS(*status) : -1, read_file(out)};
}

Nginx::Nginx(const TempDir& dir, const std::string& upstream_socket)
    : Nginx(dir, [&upstream_socket](int port) {
        return "  upstream pscgi { server unix:" + upstream_socket + "; }\n" +
               "  server {\n    listen 127.0.0.1:" + std::to_string(port) + ";\n" +
               "    location / { include /etc/nginx/scgi_params; scgi_pass pscgi; }\n  }\n";
      }) {}

Nginx::Nginx(const TempDir& dir, const std::function<std::string(int port)>& site) : dir_(dir.path()), port_(free_tcp_port()) {
  std::ostringstream conf;
  conf << "daemon off;\nmaster_process on;\nworker_processes 1;\n"
       << "pid " << dir_ << "/nginx.pid;\nerror_log " << dir_ << "/nginx-error.log info;\n"
       << "events { worker_connections 256; }\n"
       << "http {\n  access_log off;\n"
       << "  client_body_temp_path " << dir_ << "/nginx-body;\n  proxy_temp_path " << dir_ << "/nginx-proxy;\n"
       << "  fastcgi_temp_path " << dir_ << "/nginx-fastcgi;\n  uwsgi_temp_path " << dir_ << "/nginx-uwsgi;\n"
       << "  scgi_temp_path " << dir_ << "/nginx-scgi;\n"
       << site(port_) << "}\n";
  const std::string conf_path = dir_ + "/nginx.conf";
  write_file(conf_path, conf.str());
  pid_ = ::fork();
  if (pid_ == 0) {
    exec_with_output({"/usr/sbin/nginx", "-p", dir_, "-e", dir_ + "/nginx-error.log", "-c", conf_path}, dir_ + "/nginx-out.log");
  }
  // nginx has no readiness message: poll its port until it accepts, within a deadline.
  const auto deadline = Clock::now() + 20s;
  for (;;) {
    const int fd = connect_tcp(port_);
    if (fd >= 0) {
      ::close(fd);
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("nginx exited at start:\n" + read_file(dir_ + "/nginx-error.log") + read_file(dir_ + "/nginx-out.log"));
    }
    if (Clock::now() >= deadline) throw std::runtime_error("nginx did not start within 20 s");
    std::this_thread::sleep_for(10ms);
  }
}

Nginx::~Nginx() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);  // nginx's fast shutdown: the master stops its own workers
  if (!wait_child(pid_, 10s)) {
    ::kill(pid_, SIGKILL);
    wait_child(pid_, 5s);
  }
}

std::string Nginx::error_log() const { return read_file(dir_ + "/nginx-error.log"); }

Reply http_request(int port, const std::string& method, const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body) {
  const int fd = connect_tcp(port);
  if (fd < 0) return {};
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  for (const auto& [n, v] : headers) request += n + ": " + v + "\r\n";
  if (!body.empty() || method == "POST") request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;
  write_all(fd, request);
  Reply reply = parse_reply(read_until_eof(fd));
  ::close(fd);
  return reply;
}

}  // namespace pscgi::testing
