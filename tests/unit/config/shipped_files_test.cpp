// The files shipped with the config code: docs/configuration.md must carry the reference the
// settings table renders, and config/pscgi.yaml must set every key, each at its default.
#include "config/config.hpp"

#include "config/settings.hpp"
#include "config/yaml_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace pscgi::config {
namespace {

// tests/fixtures -> the source tree's root.
const std::string kRoot = PSCGI_FIXTURES_DIR "/../..";
const std::string kDocsPath = kRoot + "/docs/configuration.md";
const std::string kExamplePath = kRoot + "/config/pscgi.yaml";
constexpr std::string_view kBegin = "<!-- BEGIN REFERENCE";
constexpr std::string_view kEnd = "<!-- END REFERENCE -->";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ShippedFilesTest, ConfigurationDocsNameEveryKey) {
  const std::string docs = read_file(kDocsPath);
  ASSERT_FALSE(docs.empty()) << kDocsPath;
  for (const auto& setting : settings_table()) {
    const std::string heading =
        setting.kind == SettingKind::section ? "## `" + setting.path + "`" : "### `" + setting.path + "`";
    EXPECT_THAT(docs, ::testing::HasSubstr("\n" + heading + "\n")) << "docs/configuration.md lacks " << setting.path;
  }
}

// The reference between the markers is exactly what the table renders. After changing the table, run
//   PSCGI_UPDATE_DOCS=1 ./build/tests/pscgi_unit_tests --gtest_filter='ShippedFilesTest.*'
// to rewrite it.
TEST(ShippedFilesTest, ConfigurationDocsCarryTheRenderedReference) {
  std::string docs = read_file(kDocsPath);
  const auto begin_line = docs.find(kBegin);
  ASSERT_NE(begin_line, std::string::npos) << "no " << kBegin << " marker in " << kDocsPath;
  const auto begin = docs.find('\n', begin_line) + 1;
  const auto end = docs.find(kEnd, begin);
  ASSERT_NE(end, std::string::npos) << "no " << kEnd << " marker in " << kDocsPath;
  const std::string expected = render_config_reference();
  if (std::getenv("PSCGI_UPDATE_DOCS") != nullptr) {
    docs.replace(begin, end - begin, expected);
    std::ofstream(kDocsPath, std::ios::binary | std::ios::trunc) << docs;
    return;
  }
  EXPECT_EQ(docs.substr(begin, end - begin), expected)
      << "docs/configuration.md is out of date: rerun this test with PSCGI_UPDATE_DOCS=1";
}

TEST(ShippedFilesTest, ExampleConfigSetsEveryKeyToItsDefault) {
  const std::string text = read_file(kExamplePath);
  ASSERT_FALSE(text.empty()) << kExamplePath;
  const LoadedConfig loaded = load_yaml(text, kExamplePath);
  for (const auto& setting : settings_table()) {
    EXPECT_TRUE(loaded.positions.contains(setting.path)) << "config/pscgi.yaml lacks " << setting.path;
  }
  Config example = loaded.config;
  example.source.clear();
  // The one optional section, metrics, is on in the example (at its defaults) and off by default.
  Config defaults = default_config();
  defaults.metrics.emplace();
  EXPECT_EQ(describe_config(example), describe_config(defaults));
  EXPECT_EQ(load_config_file(kExamplePath).listen.at(0).text, "unix:/run/pscgi/pscgi.sock");
}

}  // namespace
}  // namespace pscgi::config
