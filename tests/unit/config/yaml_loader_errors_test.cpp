// Every error names the file, the 1-based line and column, and the key's full path.
#include "config/yaml_loader.hpp"

#include "unit/config/config_error_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace pscgi::config {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using testing::error_of;

TEST(YamlLoaderErrorsTest, OutOfRange) {
  EXPECT_EQ(error_of("listen: unix:/tmp/a.sock\n\nworkers:\n  count: 0\n"),
            "pscgi.yaml:4:10: workers.count: must be between 1 and 1024, got 0");
  EXPECT_EQ(error_of("workers: {count: -1}"), "pscgi.yaml:1:18: workers.count: must be between 1 and 1024, got -1");
  EXPECT_EQ(error_of("backlog: 70000"), "pscgi.yaml:1:10: backlog: must be between 1 and 65535, got 70000");
  EXPECT_EQ(error_of("limits:\n  read_timeout: 0\n"),
            "pscgi.yaml:2:17: limits.read_timeout: must be between 1ms and 1h, got 0");
  EXPECT_EQ(error_of("limits:\n  max_body_bytes: 0\n"),
            "pscgi.yaml:2:19: limits.max_body_bytes: must be between 1 and 4GiB, got 0");
  EXPECT_EQ(error_of("cache:\n  max_entries: 0\n"),
            "pscgi.yaml:2:16: cache.max_entries: must be between 1 and 100000000, got 0");
  EXPECT_THAT(error_of("workers:\n  count: 99999999999999999999\n"), HasSubstr("must be between 1 and 1024"));
}

// Found by config_loader_fuzz: yaml-cpp's LoadAll never returned for a document starting with ','.
TEST(YamlLoaderErrorsTest, StrayCommaIsASyntaxErrorNotAHang) {
  EXPECT_EQ(error_of(","), "pscgi.yaml:1:1: YAML syntax error: cannot read on from here (a ',' outside [ ] or { }?)");
  EXPECT_THAT(error_of("# comment\n, 2m\n"), HasSubstr("pscgi.yaml:2:1: YAML syntax error"));
  EXPECT_THAT(error_of("listen: unix:/tmp/a.sock\n---\n,\n"), HasSubstr("only one YAML document is allowed"));
}

TEST(YamlLoaderErrorsTest, UnknownKeyAtTheTopLevel) {
  EXPECT_EQ(error_of("backlog: 5\nlisen: unix:/tmp/a.sock\n"),
            "pscgi.yaml:2:1: lisen: unknown key (did you mean listen?)");
  EXPECT_EQ(error_of("max_requests: 5\n"),
            "pscgi.yaml:1:1: max_requests: unknown key (did you mean workers.max_requests?)");
  EXPECT_THAT(error_of("frobnicate: 1\n"),
              StartsWith("pscgi.yaml:1:1: frobnicate: unknown key; the keys at the top level are listen, socket_mode"));
  EXPECT_EQ(error_of("workers.count: 4\n"),
            "pscgi.yaml:1:1: workers.count: unknown key: nest it, as workers: {count: ...}");
}

TEST(YamlLoaderErrorsTest, UnknownKeyInASection) {
  EXPECT_EQ(error_of("cache:\n  enabled: true\n  ttll: 5s\n"),
            "pscgi.yaml:3:3: cache.ttll: unknown key (did you mean cache.ttl?)");
  EXPECT_THAT(error_of("workers:\n  zzz: 1\n"),
              StartsWith("pscgi.yaml:2:3: workers.zzz: unknown key; the keys of workers are count, min, max, spare, spawn_interval"));
  EXPECT_EQ(error_of("log: {max_requests: 5}"),
            "pscgi.yaml:1:7: log.max_requests: unknown key (did you mean workers.max_requests?)");
}

TEST(YamlLoaderErrorsTest, WrongType) {
  EXPECT_EQ(error_of("backlog: {a: 1}"), "pscgi.yaml:1:10: backlog: expected an integer, got a map");
  EXPECT_EQ(error_of("backlog: lots"), "pscgi.yaml:1:10: backlog: expected an integer, got \"lots\"");
  EXPECT_EQ(error_of("backlog: 1.5"), "pscgi.yaml:1:10: backlog: expected an integer, got \"1.5\"");
  EXPECT_THAT(error_of("backlog: 0100"), HasSubstr("backlog: \"0100\" has a leading zero"));
  EXPECT_EQ(error_of("backlog:\n"), "pscgi.yaml:1:1: backlog: expected an integer, got nothing");
  EXPECT_EQ(error_of("workers: 4"), "pscgi.yaml:1:10: workers: expected a map of settings, got \"4\"");
  EXPECT_EQ(error_of("log:\n  level: [info]\n"), "pscgi.yaml:2:10: log.level: expected a name, got a list");
  EXPECT_EQ(
      error_of("log:\n  level: verbose\n"),
      "pscgi.yaml:2:10: log.level: expected one of trace, debug, info, warn, error, critical, off, got \"verbose\"");
  EXPECT_EQ(error_of("cache:\n  enabled: yes\n"),
            "pscgi.yaml:2:12: cache.enabled: expected true or false, got \"yes\"");
  EXPECT_EQ(error_of("pipeline: cache"), "pscgi.yaml:1:11: pipeline: expected a list of stage names, got \"cache\"");
  EXPECT_EQ(error_of("log: {error_log: \"\"}"), "pscgi.yaml:1:18: log.error_log: must not be empty");
  EXPECT_EQ(error_of("[1]: 2"), "pscgi.yaml:1:1: expected a key name, got a list");
}

TEST(YamlLoaderErrorsTest, DuplicateKey) {
  EXPECT_EQ(error_of("backlog: 1\nbacklog: 2\n"), "pscgi.yaml:2:1: backlog: given twice (first on line 1)");
  EXPECT_EQ(error_of("cache:\n  ttl: 1s\n  ttl: 2s\n"), "pscgi.yaml:3:3: cache.ttl: given twice (first on line 2)");
}

TEST(YamlLoaderErrorsTest, BadDuration) {
  EXPECT_EQ(error_of("limits:\n  read_timeout: 10\n"),
            "pscgi.yaml:2:17: limits.read_timeout: \"10\" needs a unit: write 10s for seconds (units: ms, s, m, h)");
  EXPECT_THAT(error_of("workers:\n  graceful_timeout: 5 minutes\n"),
              StartsWith("pscgi.yaml:2:21: workers.graceful_timeout: unknown unit \"minutes\""));
  EXPECT_EQ(
      error_of("cache:\n  max_ttl: 60d\n"),
      "pscgi.yaml:2:12: cache.max_ttl: unknown unit \"d\" in \"60d\": use ms, s, m or h (e.g. 500ms, 10s, 2m, 1h)");
  EXPECT_EQ(error_of("workers:\n  graceful_timeout: 25h\n"),
            "pscgi.yaml:2:21: workers.graceful_timeout: must be between 0 and 24h, got 25h");
}

TEST(YamlLoaderErrorsTest, BadSize) {
  EXPECT_EQ(error_of("cache:\n  max_bytes: 32MB\n"),
            "pscgi.yaml:2:14: cache.max_bytes: \"32MB\" is ambiguous (MB may mean a power of 1000 or of 1024): "
            "write 32MiB (powers of 1024)");
  EXPECT_EQ(error_of("limits: {max_header_bytes: 128MiB}"),
            "pscgi.yaml:1:28: limits.max_header_bytes: must be between 1 and 64MiB, got 128MiB");
}

TEST(YamlLoaderErrorsTest, BadListen) {
  EXPECT_EQ(error_of("listen: 4000"),
            "pscgi.yaml:1:9: listen: \"4000\" has no host: write 127.0.0.1:4000 (or [::1]:4000)");
  EXPECT_THAT(error_of("listen: unix:run/x.sock"),
              StartsWith("pscgi.yaml:1:9: listen: \"unix:run/x.sock\": the socket path must be absolute"));
  EXPECT_EQ(error_of("listen:\n  - unix:/tmp/a.sock\n  - 127.0.0.1:0\n"),
            "pscgi.yaml:3:5: listen: item 2: \"127.0.0.1:0\": the port must be a number from 1 to 65535, got \"0\"");
  EXPECT_EQ(error_of("listen: [127.0.0.1:80, 127.0.0.1:80]"),
            "pscgi.yaml:1:24: listen: item 2: \"127.0.0.1:80\" is the same socket as item 1");
  EXPECT_EQ(error_of("listen: []"), "pscgi.yaml:1:9: listen: needs at least one address");
  EXPECT_EQ(error_of("listen: {a: b}"),
            "pscgi.yaml:1:9: listen: expected an address such as unix:/run/pscgi/pscgi.sock, got a map");
}

TEST(YamlLoaderErrorsTest, BadSocketMode) {
  EXPECT_EQ(error_of("backlog: 5\nsocket_mode: 0660\n"),
            "pscgi.yaml:2:14: socket_mode: write the mode quoted, as \"0660\": YAML reads a bare 0660 as a number "
            "(octal in YAML 1.1, decimal in YAML 1.2)");
  EXPECT_THAT(error_of("socket_mode: 660"), HasSubstr("write the mode quoted, as \"660\""));
  EXPECT_EQ(error_of("socket_mode: \"0960\""),
            "pscgi.yaml:1:14: socket_mode: expected an octal mode such as \"0660\", got \"0960\"");
  EXPECT_THAT(error_of("socket_mode: rw"), HasSubstr("socket_mode: expected an octal mode"));
  EXPECT_EQ(load_config_text("socket_mode: '0600'").socket_mode, 0600u);
}

TEST(YamlLoaderErrorsTest, BadPipeline) {
  EXPECT_EQ(error_of("pipeline: [access_log, cache, access_log]"),
            "pscgi.yaml:1:31: pipeline: item 3: \"access_log\" is already item 1");
  EXPECT_EQ(error_of("pipeline: [cache, conditional]"),
            "pscgi.yaml:1:19: pipeline: item 2: conditional must come before cache (it answers from what the cache sends out)");
  EXPECT_EQ(error_of("pipeline:\n  - cache\n  - gzip\n"),
            "pscgi.yaml:3:5: pipeline: item 2: unknown stage \"gzip\": the stages are access_log, metrics, conditional, cache");
  EXPECT_TRUE(load_config_text("pipeline: []").stages.empty());
}

TEST(YamlLoaderErrorsTest, BadCacheLists) {
  EXPECT_EQ(error_of("cache:\n  statuses: [200, 700]\n"),
            "pscgi.yaml:2:19: cache.statuses: item 2: must be between 100 and 599, got 700");
  EXPECT_EQ(error_of("cache: {statuses: [200, 200]}"),
            "pscgi.yaml:1:25: cache.statuses: item 2: 200 is already item 1");
  EXPECT_EQ(
      error_of("cache: {statuses: []}"),
      "pscgi.yaml:1:19: cache.statuses: needs at least one status (to turn the cache off, set cache.enabled: false)");
  EXPECT_EQ(error_of("cache: {methods: [GET, get]}"),
            "pscgi.yaml:1:24: cache.methods: item 2: methods are case-sensitive: write GET");
  EXPECT_EQ(error_of("cache: {methods: [G@T]}"),
            "pscgi.yaml:1:19: cache.methods: item 1: \"G@T\" is not a method name such as GET");
  EXPECT_THAT(error_of("cache: {methods: []}"), HasSubstr("cache.methods: needs at least one method"));
  EXPECT_EQ(error_of("cache: {bypass_cookies: [\"a b\"]}"),
            "pscgi.yaml:1:26: cache.bypass_cookies: item 1: \"a b\" is not a cookie name (letters, digits and "
            "!#$%&'*+-.^_`|~)");
  EXPECT_TRUE(load_config_text("cache: {bypass_cookies: []}").cache.bypass_cookies.empty());
}

TEST(YamlLoaderErrorsTest, AppNeedsATypeAndScalarOrListOptions) {
  EXPECT_EQ(error_of("backlog: 5\napp:\n  root: /srv\n"),
            "pscgi.yaml:2:1: app.type: is required whenever app is given");
  EXPECT_EQ(error_of("app:\n  type: demo\n  hosts: {a: 1}\n"),
            "pscgi.yaml:3:3: app.hosts: expected a single value or a list of values, got a map");
  EXPECT_EQ(error_of("app:\n  type: demo\n  hosts:\n    - a\n    - [b, c]\n"),
            "pscgi.yaml:5:7: app.hosts: item 2: expected a single value, got a list");
  EXPECT_EQ(error_of("app:\n  type: demo\n  root:\n"),
            "pscgi.yaml:3:3: app.root: needs a value (write \"\" for an empty string, [] for an empty list)");
  EXPECT_EQ(load_config_text("app: {type: demo, empty: \"\"}").app.text("empty"), "");
  EXPECT_TRUE(load_config_text("app: {type: demo, none: []}").app.list("none").empty());
}

TEST(YamlLoaderErrorsTest, RulesBetweenSettingsNameTheKeyThatWasGiven) {
  EXPECT_EQ(
      error_of("cache:\n  max_bytes: 64MiB\n  max_object_bytes: 128MiB\n"),
      "pscgi.yaml:3:3: cache.max_object_bytes: cache.max_object_bytes (128MiB) is larger than cache.max_bytes (64MiB)");
  EXPECT_EQ(error_of("cache:\n  max_bytes: 512KiB\n"),
            "pscgi.yaml:2:3: cache.max_bytes: cache.max_object_bytes (1MiB) is larger than cache.max_bytes (512KiB)");
  EXPECT_EQ(error_of("cache:\n  ttl: 2h\n"),
            "pscgi.yaml:2:3: cache.ttl: cache.ttl (2h) is longer than cache.max_ttl (1h)");
  EXPECT_EQ(error_of("cache:\n  max_ttl: 5s\n"),
            "pscgi.yaml:2:3: cache.max_ttl: cache.ttl (10s) is longer than cache.max_ttl (5s)");
}

TEST(YamlLoaderErrorsTest, TheOuterCacheNeedsTheCacheStageToDecideForIt) {
  EXPECT_EQ(error_of("pipeline: [access_log]\ncache:\n  outer: true\n"),
            "pscgi.yaml:3:3: cache.outer: cache.outer is on but `pipeline` has no cache stage to decide what nginx "
            "may keep: add it");
  EXPECT_NO_THROW(load_config_text("pipeline: [access_log]\n"));  // outer off: no stage needed
  EXPECT_NO_THROW(load_config_text("cache: {outer: true, enabled: false}\n"));  // both levels off
  EXPECT_THAT(error_of("cache: {outer: true, outer_max_ttl: 500ms}\n"), ::testing::HasSubstr("cache.outer_max_ttl"));
  EXPECT_EQ(error_of("cache:\n  outer: true\n  outer_max_ttl: 1500ms\n"),
            "pscgi.yaml:3:3: cache.outer_max_ttl: cache.outer_max_ttl (1500ms) must be a whole number of seconds: "
            "nginx counts no less");
}

}  // namespace
}  // namespace pscgi::config
