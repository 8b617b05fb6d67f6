// describe_config() and render_config_reference() (src/config/describe.cpp).
#include "config/config.hpp"

#include "config/settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace pscgi::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kFullPath = PSCGI_FIXTURES_DIR "/config/full.yaml";
const std::string kAdaptivePath = PSCGI_FIXTURES_DIR "/config/adaptive.yaml";

TEST(DescribeConfigTest, ShowsTheValuesOfACheckedFile) {
  const std::string text = describe_config(load_config_file(kFullPath));
  EXPECT_THAT(text, HasSubstr("# effective configuration of " + kFullPath + "\n"));
  EXPECT_THAT(text, HasSubstr("listen: [unix:/tmp/pscgi-full.sock, 127.0.0.1:4100]\n"));
  EXPECT_THAT(text, HasSubstr("socket_mode: \"0600\"\n"));
  EXPECT_THAT(text, HasSubstr("pid_file: /tmp/pscgi-full.pid\n"));
  EXPECT_THAT(text, HasSubstr("pipeline: [metrics, cache, access_log]\n"));
  EXPECT_THAT(text, HasSubstr("workers:\n  count: 2\n  min: ~\n  max: 6\n  spare: 1\n  spawn_interval: 50ms\n"
                              "  idle_timeout: 5s\n  max_requests: 500\n  max_requests_jitter: 50\n"
                              "  max_lifetime: 1h\n  max_lifetime_jitter: 25%\n  max_rss: 256MiB\n"
                              "  max_recycling: 2\n  timeout: 10s\n  graceful_timeout: 5s\n"));
  EXPECT_THAT(text, HasSubstr("  max_header_bytes: 16KiB\n"));
  EXPECT_THAT(text, HasSubstr("  level: debug\n"));
  EXPECT_THAT(text, HasSubstr("  access_log: \"off\"\n"));
  EXPECT_THAT(text, HasSubstr("  max_entries: 200\n"));
  EXPECT_THAT(text, HasSubstr("  ttl_jitter: 20%\n"));
  EXPECT_THAT(text, HasSubstr("  statuses: [200, 404]\n"));
  EXPECT_THAT(text, HasSubstr("app:\n  type: echo\n  greeting: \"hello, world\"\n  repeat: 3\n"));
}

TEST(DescribeConfigTest, ShowsDefaultsForAnUnsetOptional) {
  const std::string text = describe_config(default_config());
  EXPECT_THAT(text, HasSubstr("pid_file: ~\n"));
  EXPECT_THAT(text, HasSubstr("  max_entries: ~\n"));
  EXPECT_THAT(text, HasSubstr("workers:\n  count: 4\n  min: ~\n  max: ~\n"));
  EXPECT_THAT(text, HasSubstr("  bypass_cookies: [\"*\"]\n"));
  EXPECT_THAT(text, Not(HasSubstr("# effective")));  // no source, no comment
}

// count and min exclude each other, so an adaptive pool is shown without count.
TEST(DescribeConfigTest, ShowsAnAdaptivePoolWithoutCount) {
  const std::string text = describe_config(load_config_file(kAdaptivePath));
  EXPECT_THAT(text, HasSubstr("workers:\n  min: 2\n  max: 8\n  spare: 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("count:")));
}

TEST(DescribeConfigTest, LoadsBackIntoTheSameConfig) {
  for (const Config& config : {default_config(), load_config_file(kFullPath), load_config_file(kAdaptivePath)}) {
    const std::string text = describe_config(config);
    EXPECT_EQ(describe_config(load_config_text(text, config.source)), text);
  }
}

// The values and whether each was a list; lines differ between the two texts.
std::map<std::string, std::pair<std::vector<std::string>, bool>> app_values(const AppSettings& app) {
  std::map<std::string, std::pair<std::vector<std::string>, bool>> out;
  for (const auto& [key, value] : app.values()) out[key] = {value.items, value.is_list};
  return out;
}

TEST(DescribeConfigTest, QuotesAppOptionsThatYamlWouldMisread) {
  Config config = default_config();
  config.app = AppSettings("demo", {{"colon", "a: b # c"}, {"empty", ""},       {"quote", "say \"hi\"\\n"},
                                    {"null", "null"},      {"star", "*"},       {"lines", "one\ntwo\t\x01"},
                                    {"dash", "-x"},        {"dotted.key", "v"}, {"number", "0660"}});
  config.app.set_list("hosts", {"a, b", "[c]", "", "~"});
  config.app.set_list("nothing", {});
  config.app.set_list("one", {"x"});
  const Config again = load_config_text(describe_config(config));
  EXPECT_EQ(app_values(again.app), app_values(config.app));
  EXPECT_EQ(app_values(again.app).at("one"), (std::pair<std::vector<std::string>, bool>{{"x"}, true}));
}

// Found by config_loader_fuzz: a name that escaping makes longer than YAML's 1024-character limit
// on implicit keys.
TEST(DescribeConfigTest, AnAppOptionWithAVeryLongNameLoadsBack) {
  Config config = default_config();
  config.app = AppSettings("demo", {{std::string(300, '\x0b') + "name", "v"}, {std::string(2000, 'k'), "w"}});
  const Config again = load_config_text(describe_config(config));
  EXPECT_EQ(app_values(again.app), app_values(config.app));
}

TEST(ConfigReferenceTest, HasAnEntryWithTheDefaultForEveryKey) {
  const std::string reference = render_config_reference();
  const Config defaults = default_config();
  for (const auto& setting : settings_table()) {
    if (setting.kind == SettingKind::section) {
      EXPECT_THAT(reference, HasSubstr("\n## `" + setting.path + "`\n\n" + setting.doc + "\n"));
      continue;
    }
    EXPECT_THAT(reference, HasSubstr("\n### `" + setting.path + "`\n\n- Type: " + setting.type + "\n- Default: `" +
                                     setting.show(defaults) + "`"));
    EXPECT_THAT(reference, HasSubstr("- Allowed: " + setting.allowed + "\n\n" + setting.doc + "\n"));
    EXPECT_THAT(reference, HasSubstr("| `" + setting.path + "` | " + setting.type + " | `"));
  }
  EXPECT_THAT(reference, HasSubstr("- Default: `demo` (required when `app` is given)"));
}

}  // namespace
}  // namespace pscgi::config
