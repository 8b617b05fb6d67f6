#include "metrics_tools.hpp"

#include <arpa/inet.h>
#include <cctype>
#include <optional>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace pscgi::testing {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void exec_tool(const std::vector<std::string>& argv, const std::string& input_path,
                            const std::string& output_path) {
  const int in = ::open(input_path.empty() ? "/dev/null" : input_path.c_str(), O_RDONLY | O_CLOEXEC);
  const int out = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  ::dup2(in, STDIN_FILENO);
  ::dup2(out, STDOUT_FILENO);
  ::dup2(out, STDERR_FILENO);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  std::_Exit(127);
}

std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 || Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

// %-encodes everything but unreserved characters, for a query parameter.
std::string url_encode(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    }
  }
  return out;
}

}  // namespace

std::string missing_tool(const std::string& path, const std::string& package) {
  if (::access(path.c_str(), X_OK) == 0) return {};
  return path + " is missing: install the Debian package " + package + " (scripts/install-deps.sh --test)";
}

std::pair<int, std::string> run_tool(const std::vector<std::string>& argv, const std::string& input_path,
                                     std::chrono::milliseconds deadline) {
  TempDir dir;
  const std::string out = dir.file("out.txt");
  const pid_t pid = ::fork();
  if (pid == 0) exec_tool(argv, input_path, out);
  const auto status = wait_for(pid, deadline);
  if (!status) {
    ::kill(pid, SIGKILL);
    wait_for(pid, 5s);
    return {-1, read_file(out) + "\n(killed at the deadline)"};
  }
  return {WIFEXITED(*status) ? WEXITSTATUS(*status) : -1, read_file(out)};
}

Reply http_request_from(const std::string& source_ip, int port, const std::string& method, const std::string& target) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in source{};
  source.sin_family = AF_INET;
  ::inet_pton(AF_INET, source_ip.c_str(), &source.sin_addr);
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<std::uint16_t>(port));
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof(source)) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof(server)) != 0) {
    ::close(fd);
    return {};
  }
  write_all(fd, method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  Reply reply = parse_reply(read_until_eof(fd));
  ::close(fd);
  return reply;
}

PrometheusServer::PrometheusServer(const TempDir& dir, const std::string& target, const std::string& metrics_path)
    : log_path_(dir.file("prometheus.log")), port_(free_tcp_port()) {
  const std::string config_path = dir.file("prometheus.yml");
  write_file(config_path, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                          "scrape_configs:\n  - job_name: pscgi\n    metrics_path: " + metrics_path + "\n"
                          "    static_configs:\n      - targets: ['" + target + "']\n");
  std::filesystem::create_directories(dir.file("prometheus-data"));
  pid_ = ::fork();
  if (pid_ == 0) {
    exec_tool({prometheus_binary, "--config.file=" + config_path, "--storage.tsdb.path=" + dir.file("prometheus-data"),
               "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"},
              "", log_path_);
  }
  // Prometheus says nothing on a socket when it is ready: poll its readiness endpoint.
  if (!wait_until([this] { return http_request(port_, "GET", "/-/ready").status == 200; }, 30s, 100ms)) {
    stop();  // a constructor that throws gets no destructor
    throw std::runtime_error("prometheus was not ready within 30 s:\n" + log());
  }
}

PrometheusServer::~PrometheusServer() { stop(); }

void PrometheusServer::stop() noexcept {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (!wait_for(pid_, 10s)) {
    ::kill(pid_, SIGKILL);
    wait_for(pid_, 5s);
  }
  pid_ = -1;
}

std::string PrometheusServer::query(const std::string& expression) const {
  return http_request(port_, "GET", "/api/v1/query?query=" + url_encode(expression)).body;
}

std::string PrometheusServer::log() const { return read_file(log_path_); }

}  // namespace pscgi::testing
