#pragma once
// The whole server configuration as the rest of the program sees it: plain values, already checked.
// src/config/settings.cpp holds the table of keys (name, type, default, check, doc) that fills it
// from YAML; docs/configuration.md is written from the same table.

#include <pscgi/app.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <vector>

namespace pscgi::config {

using Duration = std::chrono::milliseconds;

/// One address to listen on: `unix:/path`, `host:port` or `[v6]:port`.
struct ListenAddress {
  enum class Kind { unix_socket, tcp };
  Kind kind = Kind::unix_socket;
  std::string path;        ///< unix socket path
  std::string host;        ///< tcp host (IPv4 or IPv6 literal, or a name)
  std::uint16_t port = 0;  ///< tcp port
  std::string text;        ///< as written in the config, for messages
};

/// `workers:` — the pool and each worker's life (docs/operations.md, "The process lifecycle").
struct WorkerSettings {
  /// The most workers a pool may hold, whatever `max` says (the scoreboard has a slot for each,
  /// plus room for replacements: process::Scoreboard::capacity_limit).
  static constexpr int most_workers = 1024;

  /// Fixed pool: `count` workers. Adaptive pool: `min` set instead (`count` and `min` are
  /// mutually exclusive), the master keeps between `min` and `max` workers by load.
  int count = 4;
  std::optional<int> min;                  ///< set: the pool is adaptive
  std::optional<int> max;                  ///< unset: see max_workers()
  int spare = 0;                           ///< adaptive: idle workers kept ready beyond the busy ones
  Duration spawn_interval = std::chrono::milliseconds(200);  ///< adaptive: at most one new worker per this
  Duration idle_timeout = std::chrono::seconds(30);          ///< adaptive: an idle worker this long may go
  std::uint64_t max_requests = 1000;  ///< 0 = no limit
  std::uint64_t max_requests_jitter = 100;
  Duration max_lifetime = Duration::zero();  ///< 0 = no limit
  int max_lifetime_jitter = 10;              ///< percent of max_lifetime added at random
  std::size_t max_rss = 0;                   ///< bytes; 0 = no limit
  int max_recycling = 1;                     ///< workers replaced at the same moment
  Duration timeout = std::chrono::seconds(30);  ///< a request running longer is killed; 0 = off
  Duration graceful_timeout = std::chrono::seconds(30);

  bool adaptive() const noexcept { return min.has_value(); }
  /// The most workers the pool may hold (TTIN's ceiling): `max`, or 4 × count for a fixed pool,
  /// or 4 × min for an adaptive pool without `max`; never more than most_workers.
  int max_workers() const noexcept { return max ? *max : std::min(most_workers, 4 * initial_workers()); }
  /// The fewest workers the pool may hold (TTOU's floor): `min`, or 1 for a fixed pool.
  int min_workers() const noexcept { return min ? *min : 1; }
  /// How many workers the pool starts with.
  int initial_workers() const noexcept { return min ? *min : count; }
};

struct Limits {
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  Duration read_timeout = std::chrono::seconds(10);
  Duration write_timeout = std::chrono::seconds(10);
  /// Bytes of answers a worker holds for peers that are not reading them; 0: no bound.
  std::size_t max_pending_output = 64 * 1024 * 1024;
};

enum class LogLevel { trace, debug, info, warn, error, critical, off };

struct LogSettings {
  LogLevel level = LogLevel::info;
  std::string error_log = "stderr";   ///< "stderr", "stdout" or a file path
  std::string access_log = "stderr";  ///< "stderr", "stdout", "off" or a file path
};

/// The per-worker response cache (docs/cache.md).
struct CacheSettings {
  bool enabled = true;
  Duration ttl = std::chrono::seconds(10);           ///< lifetime when the response names none
  Duration max_ttl = std::chrono::hours(1);          ///< caps every lifetime, whatever its source
  std::optional<std::size_t> max_entries;            ///< unset: about workers.max_requests / 5
  std::size_t max_bytes = 32 * 1024 * 1024;          ///< keys + serialised responses + overhead
  std::size_t max_object_bytes = 1024 * 1024;        ///< one serialised response (head + body)
  double ttl_jitter = 0.10;                          ///< each lifetime is cut by up to this fraction
  std::vector<std::string> bypass_cookies = {"*"};   ///< "*": any cookie bypasses
  bool debug_headers = false;                        ///< Cache-Status and X-Pscgi-Worker
  std::vector<std::string> methods = {"GET", "HEAD"};
  std::vector<int> statuses = {200, 203, 204, 300, 301, 404, 410};
  bool honor_request_no_cache = false;               ///< obey request Cache-Control/Pragma no-cache
  Duration stale_if_error = Duration::zero();        ///< serve an expired entry this long when the app fails
  bool outer = false;                                ///< tell nginx's cache in front what it may keep
  Duration outer_max_ttl = std::chrono::seconds(1);  ///< the longest nginx may keep an answer
};

/// `metrics:` — the pool's figures from the scoreboard, answered by every worker at `path`
/// (Prometheus text) and `path` + ".json", before the cache (docs/operations.md, "Metrics").
struct MetricsSettings {
  std::string path = "/_pscgi/metrics";
  /// Who may ask: IPv4/IPv6 addresses or CIDR prefixes matched against the request's REMOTE_ADDR,
  /// and "unix" for a client that sends no REMOTE_ADDR (a local tool on the socket, `pscgi status`).
  std::vector<std::string> allow = {"127.0.0.1", "::1", "unix"};
};

/// `user:` as the file names it, resolved when the file is read (docs/operations.md, "Running as an
/// unprivileged user").
struct UserAccount {
  std::string text;                  ///< as written: a name or a number, for messages and describe_config
  uid_t uid = 0;                     ///< never 0
  std::optional<gid_t> primary_gid;  ///< from the user database; unset for a number it has no entry for
};

/// `group:` as the file names it, resolved when the file is read.
struct GroupAccount {
  std::string text;  ///< as written: a name or a number
  gid_t gid = 0;
};

/// The stage names `pipeline:` accepts, in the order of the default pipeline. They come from the
/// stage registry (src/pipeline/stage_registry.hpp), which also makes the stages.
const std::vector<std::string>& known_stage_names();

struct Config {
  std::vector<ListenAddress> listen;  ///< at least one
  mode_t socket_mode = 0660;
  int backlog = 1024;
  std::optional<std::string> pid_file;
  /// Who the workers become when the master runs as root; unset: they keep the master's user.
  std::optional<UserAccount> user;
  std::optional<GroupAccount> group;  ///< unset: the user's primary group
  WorkerSettings workers;
  Limits limits;
  LogSettings log;
  /// The stages before the app, outermost first (`pipeline:`). Default: every known stage.
  std::vector<std::string> stages = known_stage_names();
  CacheSettings cache;
  std::optional<MetricsSettings> metrics;  ///< unset: no metrics path is answered
  AppSettings app{"demo", {}};
  std::string source;  ///< the file it came from, for messages
};

/// A configuration error. what() names the file, the key (`workers.count`) and the 1-based line.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads and checks a config file. Throws ConfigError.
Config load_config_file(const std::string& path);
/// Reads and checks config text; `source` names it in messages. Throws ConfigError.
Config load_config_text(const std::string& yaml_text, const std::string& source = "<text>");

/// What a file that sets nothing gives: Config{} with `listen` set to unix:/run/pscgi/pscgi.sock.
Config default_config();

/// The effective configuration as YAML, one key per line, sections indented (for --check-config).
/// It loads back into the same Config.
std::string describe_config(const Config& config);

/// The reference part of docs/configuration.md (Markdown): a summary table and one entry per key
/// with its type, default, allowed values and meaning, all from the settings table.
std::string render_config_reference();

}  // namespace pscgi::config
