#include "config/settings.hpp"

#include "config/account_settings.hpp"
#include "config/listen_address.hpp"
#include "config/metrics_settings.hpp"
#include "config/setting_kinds.hpp"
#include "config/special_settings.hpp"
#include "pipeline/stage_registry.hpp"
#include "config/units.hpp"
#include "config/worker_settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace pscgi::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kMonth = hours(30 * 24);

// The sentence on each stage comes from its registry entry, so a stage is documented where it is added.
std::string pipeline_doc() {
  std::string stages;
  for (const pipeline::StageEntry& stage : pipeline::stage_registry()) {
    stages += fmt::format("{}`{}` {}", stages.empty() ? "" : "; ", stage.name, stage.doc);
  }
  return "The stages a request passes through before the app, outermost first: a stage sees the request "
         "before the stages after it and the response after them. " + stages + ". With `[]` the app alone answers.";
}

std::vector<Setting> top_level_settings() {
  return {
      listen_setting("listen",
                     "Where the server accepts SCGI connections from the web server: one address or a list. "
                     "`unix:/path` is a unix stream socket, `host:port` and `[ipv6]:port` are TCP. The master opens "
                     "them all before it starts any worker; the workers share them. Quote an IPv6 address, which "
                     "YAML would otherwise read as a list: `listen: \"[::1]:4000\"`."),
      socket_mode_setting("socket_mode",
                          "Permission bits of the unix sockets in `listen` (ignored for TCP). The web server's user "
                          "must be able to write to the socket: with `\"0660\"`, put it in the socket's group. Quote "
                          "the value: a bare `0660` is octal 432 to YAML 1.1 and decimal 660 to YAML 1.2, so it is "
                          "refused."),
      integer_setting(
          "backlog", [](auto& c) -> auto& { return c.backlog; }, 1, 65535,
          "Length of the kernel's queue of connections not yet accepted (the `listen(2)` backlog). "
          "The kernel caps it at `net.core.somaxconn`."),
      pid_file_setting("pid_file",
                       "File the master writes its process id to, for init scripts and log rotation, with mode "
                       "0644. It is opened without following a symbolic link: a path that is a link (or not a "
                       "regular file) is refused at start, and the link's target is left alone. Removed at exit "
                       "while it still holds the master's pid. `~` (the default): no pid file."),
      user_setting("user",
                   "The user the workers run as when the master is started as root: the master keeps root (it "
                   "opens the sockets and log files, again at a reload and at `USR1`), and each worker drops to "
                   "`user` and `group`, with no supplementary groups, before it runs the app; CGI scripts inherit "
                   "that user. The unix sockets are made with this owner and `group`. A name or a uid; root is "
                   "refused. Started by anyone else, the master cannot switch users: `user` is then ignored, with "
                   "a warning when it names another user. `~` (the default): the workers keep the master's user, "
                   "and a master started as root warns that the app runs as root. See docs/operations.md, "
                   "\"Running as an unprivileged user\"."),
      group_setting("group",
                    "The group the workers run as (with `user`), and the group of the unix sockets: give it the "
                    "web server's group (`www-data` for Debian's nginx) so that, with `socket_mode: \"0660\"`, "
                    "nginx may connect and other users may not. A name or a gid. `~` (the default): the primary "
                    "group of `user`. Ignored, with a warning, without `user`."),
      pipeline_setting("pipeline", pipeline_doc()),
  };
}

std::vector<Setting> limit_settings() {
  return {
      section_setting("limits",
                      "Bounds on one request, and on what a worker holds for slow peers, enforced by each worker."),
      size_setting(
          "limits.max_header_bytes", [](auto& c) -> auto& { return c.limits.max_header_bytes; }, 1, 64 * kMiB,
          "Largest SCGI header block (the netstring of CGI variables that precedes the body) a worker "
          "accepts; a request with a larger one is refused."),
      size_setting(
          "limits.max_body_bytes", [](auto& c) -> auto& { return c.limits.max_body_bytes; }, 1, 4 * kGiB,
          "Largest request body (`CONTENT_LENGTH`) a worker accepts; a larger request is refused before "
          "its body is read."),
      duration_setting(
          "limits.read_timeout", [](auto& c) -> auto& { return c.limits.read_timeout; }, milliseconds(1), hours(1),
          "How long a worker waits for a whole request to arrive once it has accepted the connection; "
          "then it closes the connection."),
      duration_setting(
          "limits.write_timeout", [](auto& c) -> auto& { return c.limits.write_timeout; }, milliseconds(1), hours(1),
          "How long a worker may take to write a response to the web server; then it closes the "
          "connection."),
      size_setting(
          "limits.max_pending_output", [](auto& c) -> auto& { return c.limits.max_pending_output; }, 0, 1024 * kGiB,
          "Most bytes of answers a worker holds for peers that are not taking them: a connection whose "
          "write would block keeps its whole answer (a cached page it shares counts once) until the peer "
          "reads it or `write_timeout` ends it. Past this, the worker closes the connection that has gone "
          "longest without taking a byte, with a warning, and goes on serving the others; one answer alone "
          "is never cut, however large. `0`: no bound. See docs/reliability.md, \"Peers that never read\"."),
  };
}

std::vector<Setting> log_settings() {
  return {
      section_setting("log", "Where the server's own messages and the access log go."),
      choice_setting(
          "log.level", [](auto& c) -> auto& { return c.log.level; },
          std::vector<std::pair<std::string, LogLevel>>{{"trace", LogLevel::trace},
                                                        {"debug", LogLevel::debug},
                                                        {"info", LogLevel::info},
                                                        {"warn", LogLevel::warn},
                                                        {"error", LogLevel::error},
                                                        {"critical", LogLevel::critical},
                                                        {"off", LogLevel::off}},
          "Least severity written to `log.error_log`; `off` writes nothing."),
      text_setting(
          "log.error_log", [](auto& c) -> auto& { return c.log.error_log; }, "`stderr`, `stdout` or a file path",
          "Where the master and the workers write their messages. A file is appended to."),
      text_setting(
          "log.access_log", [](auto& c) -> auto& { return c.log.access_log; },
          "`stderr`, `stdout`, `off` or a file path",
          "Where the `access_log` stage writes one line per request; `off` writes none. Has no effect "
          "unless `access_log` is in `pipeline`. A file is appended to."),
  };
}

std::vector<Setting> cache_settings() {
  return {
      section_setting("cache",
                      "The response cache (see docs/cache.md). Each worker has its own, in its own memory: nothing "
                      "is shared between workers, and a worker's cache goes when the worker does."),
      boolean_setting(
          "cache.enabled", [](auto& c) -> auto& { return c.cache.enabled; },
          "`false` turns caching off while leaving `cache` in `pipeline`: every request goes to the "
          "app and nothing is stored."),
      duration_setting(
          "cache.ttl", [](auto& c) -> auto& { return c.cache.ttl; }, Duration::zero(), kMonth,
          "Lifetime of a cacheable response that states none (no `Cache-Control: max-age` or "
          "`s-maxage`, no `Expires`). `0`: such responses are not stored. At most `cache.max_ttl`."),
      duration_setting(
          "cache.max_ttl", [](auto& c) -> auto& { return c.cache.max_ttl; }, seconds(1), kMonth,
          "Upper bound on every lifetime, whatever the response asks for."),
      optional_integer_setting("cache.max_entries", [](auto& c) -> auto& { return c.cache.max_entries; }, 1,
                               100'000'000, "the computed default",
                          "Most responses one worker's cache holds; the least recently used goes first. `~` (the "
                          "default): `max(16, workers.max_requests / 5)` (a worker replaced after `max_requests` "
                          "requests cannot store more responses than that many, and only those asked for again "
                          "pay off); when `workers.max_requests` is 0 the cache uses its own fixed default "
                          "(docs/cache.md)."),
      size_setting(
          "cache.max_bytes", [](auto& c) -> auto& { return c.cache.max_bytes; }, kKiB, 64 * kGiB,
          "Memory budget of one worker's cache: keys, stored responses and bookkeeping. Beyond it the "
          "least recently used entries are evicted. Every worker may use this much."),
      size_setting(
          "cache.max_object_bytes", [](auto& c) -> auto& { return c.cache.max_object_bytes; }, 1, kGiB,
          "Largest response (head and body) that is stored; larger ones are passed on uncached. At most "
          "`cache.max_bytes`."),
      fraction_setting(
          "cache.ttl_jitter", [](auto& c) -> auto& { return c.cache.ttl_jitter; }, 0.0, 0.5,
          "Each stored lifetime is shortened by a random fraction of up to this much, so that entries "
          "stored together do not all expire together. Write `10%` or `0.1`."),
      bypass_cookies_setting("cache.bypass_cookies",
                             "A request carrying any of these cookies is neither answered from the cache nor "
                             "stored in it, so pages for a logged-in user stay theirs. `\"*\"` (quoted: a bare `*` "
                             "is YAML syntax) means any cookie. `[]` ignores cookies, which is only safe if no "
                             "response depends on one."),
      boolean_setting(
          "cache.debug_headers", [](auto& c) -> auto& { return c.cache.debug_headers; },
          "Adds `Cache-Status` and `X-Pscgi-Worker` headers to responses, to see hits and misses from "
          "outside. Leave off in production: they tell clients about the server's insides."),
      methods_setting("cache.methods", "Request methods whose responses may be stored and served from the cache."),
      statuses_setting("cache.statuses",
                       "Response statuses that may be stored; responses with any other status are never cached."),
      boolean_setting(
          "cache.honor_request_no_cache", [](auto& c) -> auto& { return c.cache.honor_request_no_cache; },
          "`true`: a request with `Cache-Control: no-cache` or `Pragma: no-cache` is not answered from "
          "the cache. Off by default, since any client could otherwise make every request reach the "
          "app."),
      duration_setting(
          "cache.stale_if_error", [](auto& c) -> auto& { return c.cache.stale_if_error; }, Duration::zero(), kMonth,
          "When the app fails (an exception or a 5xx answer), an expired entry that expired at most "
          "this long ago is served instead. `0`: never serve an expired entry."),
      boolean_setting(
          "cache.outer", [](auto& c) -> auto& { return c.cache.outer; },
          "Tells a cache in front of pscgi (nginx's `scgi_cache`: the block in config/nginx.conf) how long "
          "it may keep each answer, with `X-Accel-Expires`: as long as pscgi's own cache keeps it, at "
          "most `cache.outer_max_ttl`, and not at all for what pscgi would not store, for 304s and for "
          "answers to HEAD. nginx reads the header and never passes it on. Needs the `cache` stage "
          "(docs/cache.md, \"Two cache levels\")."),
      duration_setting(
          "cache.outer_max_ttl", [](auto& c) -> auto& { return c.cache.outer_max_ttl; }, seconds(1), kMonth,
          "With `cache.outer`, how long nginx may keep an answer, in whole seconds counted as nginx counts "
          "`scgi_cache_valid 1s`: until the end of the second this many seconds after the one it was "
          "stored in, so between this and one second more. After a `USR2` flush nginx may serve an old "
          "page that long (open-source nginx cannot be purged). A shorter lifetime from the app "
          "(`cache_for(100ms)`) is never exceeded."),
  };
}

std::vector<Setting> app_settings() {
  Setting type = text_setting(
      "app.type", [](auto& c) -> auto& { return c.app.type; },
      "the name of an app the binary knows (the stock binary: `demo`)",
      "The application that answers requests. Required whenever `app` is given.");
  type.required = true;
  return {
      app_section_setting("app",
                          "The application. `type` chooses it; every other key of `app` is the app's own option "
                          "(`root: /srv/www`), a single value or a list of single values (`hosts: [a, b]`), "
                          "which the app checks when the server starts: an unknown or wrong option is an error "
                          "naming its line, as for every other key. Each app's options are in docs/apps.md."),
      std::move(type),
  };
}

std::vector<Setting> build_table() {
  std::vector<Setting> table;
  for (auto part : {top_level_settings, worker_settings, limit_settings, log_settings, cache_settings, metrics_settings,
                     app_settings}) {
    for (auto& setting : part()) table.push_back(std::move(setting));
  }
  return table;
}

std::vector<Relation> cache_relations() {
  return {
      {"cache.max_object_bytes", "cache.max_bytes",
       [](const Config& c, const GivenKeys&) -> std::optional<std::string> {
         if (c.cache.max_object_bytes <= c.cache.max_bytes) return std::nullopt;
         return fmt::format("cache.max_object_bytes ({}) is larger than cache.max_bytes ({})",
                            format_size(c.cache.max_object_bytes), format_size(c.cache.max_bytes));
       }},
      {"cache.outer", "pipeline",
       [](const Config& c, const GivenKeys&) -> std::optional<std::string> {
         if (!c.cache.outer || std::find(c.stages.begin(), c.stages.end(), "cache") != c.stages.end()) {
           return std::nullopt;
         }
         return "cache.outer is on but `pipeline` has no cache stage to decide what nginx may keep: add it";
       }},
      {"cache.outer_max_ttl", "cache.outer",
       [](const Config& c, const GivenKeys&) -> std::optional<std::string> {
         if (c.cache.outer_max_ttl % std::chrono::seconds(1) == Duration::zero()) return std::nullopt;
         return fmt::format("cache.outer_max_ttl ({}) must be a whole number of seconds: nginx counts no less",
                            format_duration(c.cache.outer_max_ttl));
       }},
      {"cache.ttl", "cache.max_ttl",
       [](const Config& c, const GivenKeys&) -> std::optional<std::string> {
         if (c.cache.ttl <= c.cache.max_ttl) return std::nullopt;
         return fmt::format("cache.ttl ({}) is longer than cache.max_ttl ({})", format_duration(c.cache.ttl),
                            format_duration(c.cache.max_ttl));
       }},
  };
}

}  // namespace

const std::vector<Setting>& settings_table() {
  static const std::vector<Setting> table = build_table();
  return table;
}

const Setting* find_setting(std::string_view path) {
  for (const auto& setting : settings_table()) {
    if (setting.path == path) return &setting;
  }
  return nullptr;
}

std::string_view parent_path(std::string_view path) noexcept {
  const auto dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : path.substr(0, dot);
}

std::string_view leaf_name(std::string_view path) noexcept {
  const auto dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

const std::vector<Relation>& settings_relations() {
  static const std::vector<Relation> relations = [] {
    std::vector<Relation> all = worker_relations();
    for (auto& relation : account_relations()) all.push_back(std::move(relation));
    for (auto& relation : cache_relations()) all.push_back(std::move(relation));
    for (auto& relation : metrics_relations()) all.push_back(std::move(relation));
    return all;
  }();
  return relations;
}

const std::vector<std::string>& known_stage_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (const pipeline::StageEntry& stage : pipeline::stage_registry()) all.emplace_back(stage.name);
    return all;
  }();
  return names;
}

Config default_config() {
  Config config;
  config.listen = {parse_listen_address("unix:/run/pscgi/pscgi.sock")};
  return config;
}

}  // namespace pscgi::config
