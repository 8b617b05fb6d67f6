#pragma once
// What integration tests need to run the real binary: a temporary directory, the server started
// with a config written there (ready when it says READY=1 on a notify socket, never by sleeping),
// an SCGI client, and real nginx in front when a test wants it. Every process started here is
// stopped by its pid; every wait has a deadline.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace pscgi::testing {

/// True in the AddressSanitizer build: its allocator keeps freed memory in quarantine and its
/// shadow memory counts in RSS, so RSS bounds measured on the real binary mean nothing there.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool built_with_address_sanitizer = true;
#else
inline constexpr bool built_with_address_sanitizer = false;
#endif

using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const noexcept { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);

/// A parsed CGI-style (or HTTP) response.
struct Reply {
  bool ok = false;  ///< a complete response was read
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string raw;
  std::optional<std::string> header(const std::string& name) const;  ///< case-insensitive
};

/// Parses "Status: 200 OK\r\n..." (SCGI) or "HTTP/1.1 200 OK\r\n..." (HTTP).
Reply parse_reply(const std::string& raw);

/// An SCGI request as nginx would send it, for `method` and `uri`, plus extra variables (one named
/// like a variable nginx sends, e.g. CONTENT_TYPE, replaces its value).
std::string scgi_request(const std::string& method, const std::string& uri,
                         const std::vector<std::pair<std::string, std::string>>& extra = {},
                         const std::string& body = {});

/// Connects to a unix socket; -1 on failure.
int connect_unix(const std::string& path);
/// Connects to 127.0.0.1:port; -1 on failure.
int connect_tcp(int port);
/// Writes everything; false on error.
bool write_all(int fd, const std::string& bytes);
/// Reads until EOF or the deadline.
std::string read_until_eof(int fd, std::chrono::milliseconds deadline = 10s);

/// One whole exchange on a new connection to the unix socket.
Reply scgi_exchange(const std::string& socket_path, const std::string& request_bytes, std::chrono::milliseconds deadline = 10s);
Reply scgi_get(const std::string& socket_path, const std::string& uri,
               const std::vector<std::pair<std::string, std::string>>& extra = {});

/// Listening sockets a test passes to the server the way systemd's socket activation does.
struct PassedSockets {
  std::vector<int> fds;             ///< they become descriptors 3, 4, … of the server (LISTEN_FDS)
  std::vector<std::string> names;   ///< LISTEN_FDNAMES, joined with ':' (empty: left unset)
  /// LISTEN_PID: the server's own pid (set in the child after fork) unless given; another pid
  /// means the sockets are not for the server, which must ignore them.
  std::optional<pid_t> listen_pid;
};

/// A unix socket bound to `path` and listening, as systemd's socket unit makes it (mode 0666, so
/// that nginx's workers may connect; close-on-exec in the test: Server puts it where the server
/// finds it). Throws when it cannot.
int listen_unix(const std::string& path);
/// The same on 127.0.0.1:port.
int listen_tcp(int port);

/// A running pscgi.
class Server {
 public:
  /// Writes `config_yaml` to dir/pscgi.yaml (`{socket}` is replaced by the socket path) and starts
  /// the binary (pscgi, or another program built on run_main); waits for READY=1. Throws if it does
  /// not come up within 20 s.
  Server(const TempDir& dir, std::string config_yaml, std::string binary = PSCGI_BINARY);
  /// The same, with `passed` handed to it as systemd would (socket activation).
  Server(const TempDir& dir, std::string config_yaml, PassedSockets passed, std::string binary = PSCGI_BINARY);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  const std::string& socket() const noexcept { return socket_; }
  pid_t pid() const noexcept { return pid_; }
  std::string log() const;  ///< everything it wrote to stdout/stderr so far
  /// The config file it was started with (dir/pscgi.yaml).
  const std::string& config_path() const noexcept { return config_path_; }
  /// Replaces the config file (with `{socket}` and `{dir}` filled in as at start), e.g. before a SIGHUP.
  void write_config(const std::string& config_yaml) const;
  /// Waits until the log contains `text`.
  bool wait_for_log(const std::string& text, std::chrono::milliseconds limit = 10s) const;
  void signal(int sig) const;
  /// Waits for the process to exit; returns its wait status, or nullopt at the deadline.
  std::optional<int> wait_exit(std::chrono::milliseconds deadline = 30s);
  /// The pids of its worker processes now (from /proc).
  std::vector<pid_t> worker_pids() const;
  /// Stops it (TERM, then KILL past a deadline) unless it has exited.
  void stop();

 private:
  std::string socket_;
  std::string log_path_;
  std::string dir_;
  std::string config_path_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

/// Polls `done` every `poll` until it is true (true) or `limit` has passed (false); it is asked once
/// more at the deadline, so a slow machine that misses the last poll still sees the outcome.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit, std::chrono::milliseconds poll = 20ms);
/// How many times `needle` occurs in `text` (not overlapping).
int count_occurrences(const std::string& text, const std::string& needle);
/// The lines of `text` that contain `needle`, joined (for failure messages).
std::string lines_with(const std::string& text, const std::string& needle);

/// Waits until none of these processes exists (they need not be our children).
bool wait_processes_gone(const std::vector<pid_t>& pids, std::chrono::milliseconds limit = 10s);
/// A TCP port on 127.0.0.1 that was free a moment ago.
int free_tcp_port();

/// Runs the binary with arguments to completion; returns (exit status, combined output).
std::pair<int, std::string> run_binary(const std::vector<std::string>& args, std::chrono::milliseconds deadline = 30s);
/// Runs any program (argv[0] is its path) to completion; returns (exit status, combined output).
std::pair<int, std::string> run_program(const std::vector<std::string>& argv, std::chrono::milliseconds deadline = 30s);

/// Real nginx, with its own config, in front of a unix socket. Skips nothing: nginx must exist.
class Nginx {
 public:
  Nginx(const TempDir& dir, const std::string& upstream_socket);
  /// Real nginx with the site `site(port)` returns: the text that goes inside http {} (upstreams
  /// and servers), one server of which must listen on 127.0.0.1:port, the port nginx was given.
  Nginx(const TempDir& dir, const std::function<std::string(int port)>& site);
  ~Nginx();
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;
  int port() const noexcept { return port_; }
  std::string error_log() const;

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

/// An HTTP/1.1 request to 127.0.0.1:port with Connection: close.
Reply http_request(int port, const std::string& method, const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers = {}, const std::string& body = {});

}  // namespace pscgi::testing
