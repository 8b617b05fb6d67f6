#include "config/yaml_loader.hpp"

#include "unit/config/config_error_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace pscgi::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using testing::error_of;

TEST(YamlLoaderTest, KeysLeftOutKeepTheirDefaults) {
  const Config config = load_config_text("app:\n  type: demo\n", "pscgi.yaml");
  EXPECT_EQ(config.source, "pscgi.yaml");
  ASSERT_EQ(config.listen.size(), 1u);
  EXPECT_EQ(config.listen[0].kind, ListenAddress::Kind::unix_socket);
  EXPECT_EQ(config.listen[0].path, "/run/pscgi/pscgi.sock");
  EXPECT_EQ(config.socket_mode, 0660u);
  EXPECT_EQ(config.backlog, 1024);
  EXPECT_FALSE(config.pid_file.has_value());
  EXPECT_EQ(config.workers.count, 4);
  EXPECT_FALSE(config.workers.min.has_value());
  EXPECT_FALSE(config.workers.max.has_value());
  EXPECT_EQ(config.workers.spare, 0);
  EXPECT_EQ(config.workers.spawn_interval, milliseconds(200));
  EXPECT_EQ(config.workers.idle_timeout, seconds(30));
  EXPECT_EQ(config.workers.max_requests, 1000u);
  EXPECT_EQ(config.workers.max_requests_jitter, 100u);
  EXPECT_EQ(config.workers.max_lifetime, Duration::zero());
  EXPECT_EQ(config.workers.max_lifetime_jitter, 10);
  EXPECT_EQ(config.workers.max_rss, 0u);
  EXPECT_EQ(config.workers.max_recycling, 1);
  EXPECT_EQ(config.workers.timeout, seconds(30));
  EXPECT_EQ(config.workers.graceful_timeout, seconds(30));
  EXPECT_EQ(config.limits.max_header_bytes, 64u * 1024);
  EXPECT_EQ(config.limits.max_body_bytes, 8u * 1024 * 1024);
  EXPECT_EQ(config.limits.read_timeout, seconds(10));
  EXPECT_EQ(config.limits.write_timeout, seconds(10));
  EXPECT_EQ(config.log.level, LogLevel::info);
  EXPECT_EQ(config.log.error_log, "stderr");
  EXPECT_EQ(config.log.access_log, "stderr");
  EXPECT_EQ(config.stages, (std::vector<std::string>{"access_log", "metrics", "conditional", "cache"}));
  EXPECT_FALSE(config.metrics);
  EXPECT_TRUE(config.cache.enabled);
  EXPECT_EQ(config.cache.ttl, seconds(10));
  EXPECT_EQ(config.cache.max_ttl, hours(1));
  EXPECT_FALSE(config.cache.max_entries.has_value());
  EXPECT_EQ(config.cache.max_bytes, 32u * 1024 * 1024);
  EXPECT_EQ(config.cache.max_object_bytes, 1024u * 1024);
  EXPECT_DOUBLE_EQ(config.cache.ttl_jitter, 0.10);
  EXPECT_EQ(config.cache.bypass_cookies, std::vector<std::string>{"*"});
  EXPECT_FALSE(config.cache.debug_headers);
  EXPECT_EQ(config.cache.methods, (std::vector<std::string>{"GET", "HEAD"}));
  EXPECT_EQ(config.cache.statuses, (std::vector<int>{200, 203, 204, 300, 301, 404, 410}));
  EXPECT_FALSE(config.cache.honor_request_no_cache);
  EXPECT_EQ(config.cache.stale_if_error, Duration::zero());
  EXPECT_FALSE(config.cache.outer);
  EXPECT_EQ(config.cache.outer_max_ttl, seconds(1));
  EXPECT_EQ(config.app.type, "demo");
  EXPECT_TRUE(config.app.values().empty());
}

TEST(YamlLoaderTest, AnEmptyMapIsAllDefaults) {
  const Config config = load_config_text("{}", "x");
  EXPECT_EQ(config.app.type, "demo");
  EXPECT_EQ(config.workers.count, 4);
}

TEST(YamlLoaderTest, ReadsEverySyntax) {
  const Config config = load_config_text(R"(
listen: 127.0.0.1:4000
socket_mode: "0600"
pid_file: /run/x.pid
workers: {count: 8, max_requests: 0, graceful_timeout: 1.5s}
limits: {max_header_bytes: 16KiB, max_body_bytes: 1048576, read_timeout: 500ms, write_timeout: 2m}
log: {level: debug, access_log: "off"}
pipeline: [cache, access_log]
cache:
  enabled: false
  ttl: 0
  max_entries: 500
  ttl_jitter: 25%
  bypass_cookies: [sessionid, csrftoken]
  methods: [GET]
  statuses: [200]
  stale_if_error: 1h
  outer: true
  outer_max_ttl: 5s
app: {type: files, root: /srv/www, threads: 4, verbose: true}
)",
                                         "x");
  EXPECT_EQ(config.listen.at(0).port, 4000);
  EXPECT_EQ(config.socket_mode, 0600u);
  EXPECT_EQ(config.pid_file, "/run/x.pid");
  EXPECT_EQ(config.workers.count, 8);
  EXPECT_EQ(config.workers.max_requests, 0u);
  EXPECT_EQ(config.workers.graceful_timeout, milliseconds(1500));
  EXPECT_EQ(config.limits.max_header_bytes, 16u * 1024);
  EXPECT_EQ(config.limits.max_body_bytes, 1048576u);
  EXPECT_EQ(config.limits.read_timeout, milliseconds(500));
  EXPECT_EQ(config.limits.write_timeout, minutes(2));
  EXPECT_EQ(config.log.level, LogLevel::debug);
  EXPECT_EQ(config.log.access_log, "off");
  EXPECT_EQ(config.stages, (std::vector<std::string>{"cache", "access_log"}));
  EXPECT_FALSE(config.cache.enabled);
  EXPECT_EQ(config.cache.ttl, Duration::zero());
  EXPECT_EQ(config.cache.max_entries, 500u);
  EXPECT_DOUBLE_EQ(config.cache.ttl_jitter, 0.25);
  EXPECT_EQ(config.cache.bypass_cookies, (std::vector<std::string>{"sessionid", "csrftoken"}));
  EXPECT_EQ(config.cache.methods, std::vector<std::string>{"GET"});
  EXPECT_EQ(config.cache.statuses, std::vector<int>{200});
  EXPECT_EQ(config.cache.stale_if_error, hours(1));
  EXPECT_TRUE(config.cache.outer);
  EXPECT_EQ(config.cache.outer_max_ttl, seconds(5));
  EXPECT_EQ(config.app.type, "files");
  EXPECT_EQ(config.app.text("root"), "/srv/www");
  EXPECT_EQ(config.app.integer("threads", std::nullopt, 1, 64), 4);
  EXPECT_TRUE(config.app.boolean("verbose"));
}

TEST(YamlLoaderTest, ListenTakesAListOfAddresses) {
  const Config config = load_config_text("listen:\n  - unix:/tmp/a.sock\n  - 127.0.0.1:4000\n  - \"[::1]:4001\"\n");
  ASSERT_EQ(config.listen.size(), 3u);
  EXPECT_EQ(config.listen[0].path, "/tmp/a.sock");
  EXPECT_EQ(config.listen[1].host, "127.0.0.1");
  EXPECT_EQ(config.listen[2].host, "::1");
  EXPECT_EQ(config.listen[2].port, 4001);
  EXPECT_EQ(load_config_text("listen: [unix:/tmp/a.sock, 127.0.0.1:4000]").listen.size(), 2u);
}

TEST(YamlLoaderTest, TakesPercentagesAndFractionsForJitter) {
  EXPECT_DOUBLE_EQ(load_config_text("cache: {ttl_jitter: 25%}").cache.ttl_jitter, 0.25);
  EXPECT_DOUBLE_EQ(load_config_text("cache: {ttl_jitter: 0.2}").cache.ttl_jitter, 0.2);
  EXPECT_DOUBLE_EQ(load_config_text("cache: {ttl_jitter: 0}").cache.ttl_jitter, 0.0);
  EXPECT_EQ(error_of("cache:\n  ttl_jitter: 60%\n"),
            "pscgi.yaml:2:15: cache.ttl_jitter: must be between 0% and 50%, got 60%");
  EXPECT_THAT(error_of("cache:\n  ttl_jitter: 10\n"), HasSubstr("must be between 0% and 50%, got 1000%"));
}

TEST(YamlLoaderTest, OptionalValuesTakeATilde) {
  EXPECT_FALSE(load_config_text("pid_file: ~").pid_file.has_value());
  EXPECT_FALSE(load_config_text("cache: {max_entries: ~}").cache.max_entries.has_value());
  EXPECT_EQ(load_config_text("cache: {max_entries: 16}").cache.max_entries, 16u);
}

TEST(YamlLoaderTest, FileErrorsNameTheFile) {
  EXPECT_THAT(error_of(""), StartsWith("pscgi.yaml: the file has no settings"));
  EXPECT_THAT(error_of("# only a comment\n"), StartsWith("pscgi.yaml: the file has no settings"));
  EXPECT_EQ(error_of("- a\n- b\n"), "pscgi.yaml:1:1: expected a map of settings, got a list");
  EXPECT_EQ(error_of("backlog: 5\n---\nbacklog: 6\n"), "pscgi.yaml:3:1: only one YAML document is allowed");
  EXPECT_THAT(error_of("workers:\n  count: [1\n"), StartsWith("pscgi.yaml:"));
  EXPECT_THAT(error_of("workers:\n  count: [1\n"), HasSubstr("YAML syntax error"));
}

TEST(YamlLoaderTest, SyntaxErrorsGiveHintsForCommonMistakes) {
  EXPECT_THAT(error_of("listen: [::1]:4000\n"), HasSubstr("must be quoted: listen: \"[::1]:4000\""));
  EXPECT_THAT(error_of("cache:\n  bypass_cookies: [*]\n"), HasSubstr("a lone * must be quoted"));
}

TEST(YamlLoaderTest, ReadsAFileAndNamesItInErrors) {
  const std::string missing = "/nonexistent/pscgi.yaml";
  try {
    load_config_file(missing);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), missing + ": cannot open: No such file or directory");
  }
  const std::string path = PSCGI_FIXTURES_DIR "/config/bad_count.yaml";
  try {
    load_config_file(path);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), path + ":4:10: workers.count: must be between 1 and 1024, got 0");
  }
}

TEST(YamlLoaderTest, RecordsWhereEachKeyWasGiven) {
  const auto loaded = load_yaml("backlog: 5\nworkers:\n  count: 2\n", "x");
  EXPECT_EQ(loaded.positions.at("backlog").line, 1);
  EXPECT_EQ(loaded.positions.at("workers").line, 2);
  EXPECT_EQ(loaded.positions.at("workers.count").line, 3);
  EXPECT_EQ(loaded.positions.at("workers.count").column, 3);
  EXPECT_EQ(loaded.positions.size(), 3u);
}

TEST(YamlLoaderTest, EditDistanceCountsEdits) {
  EXPECT_EQ(edit_distance("count", "count"), 0u);
  EXPECT_EQ(edit_distance("cout", "count"), 1u);
  EXPECT_EQ(edit_distance("ttl", "tll"), 1u);
  EXPECT_EQ(edit_distance("abc", "bca"), 2u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

}  // namespace
}  // namespace pscgi::config
