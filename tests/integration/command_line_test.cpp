// The command line: --check-config, --version, --help and startup errors.

#include "harness.hpp"

#include <gtest/gtest.h>

namespace pscgi::testing {
namespace {

TEST(CommandLineTest, CheckConfigAcceptsAValidFile) {
  TempDir dir;
  write_file(dir.file("ok.yaml"), "listen: unix:" + dir.file("s.sock") + "\nworkers: { count: 2 }\n");
  const auto [status, output] = run_binary({"--check-config", "--config", dir.file("ok.yaml")});
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("is valid"), std::string::npos) << output;
}

TEST(CommandLineTest, CheckConfigNamesTheKeyAndLineOfAnError) {
  TempDir dir;
  write_file(dir.file("bad.yaml"), "listen: unix:/tmp/x.sock\nworkers:\n  count: 0\n");
  const auto [status, output] = run_binary({"--check-config", "--config", dir.file("bad.yaml")});
  EXPECT_EQ(status, 1);
  EXPECT_NE(output.find("workers.count"), std::string::npos) << output;
  EXPECT_NE(output.find(":3"), std::string::npos) << output;
}

TEST(CommandLineTest, CheckConfigRejectsAnUnknownApp) {
  TempDir dir;
  write_file(dir.file("bad.yaml"), "listen: unix:/tmp/x.sock\napp: { type: nosuch }\n");
  const auto [status, output] = run_binary({"--check-config", "--config", dir.file("bad.yaml")});
  EXPECT_EQ(status, 1);
  EXPECT_NE(output.find("app.type"), std::string::npos) << output;
}

TEST(CommandLineTest, MissingConfigFileIsAClearError) {
  const auto [status, output] = run_binary({"--config", "/nonexistent/pscgi.yaml"});
  EXPECT_EQ(status, 1);
  EXPECT_NE(output.find("/nonexistent/pscgi.yaml"), std::string::npos) << output;
}

TEST(CommandLineTest, VersionAndHelp) {
  const auto [version_status, version] = run_binary({"--version"});
  EXPECT_EQ(version_status, 0);
  EXPECT_NE(version.find("pscgi "), std::string::npos);
  const auto [help_status, help] = run_binary({"--help"});
  EXPECT_EQ(help_status, 0);
  EXPECT_NE(help.find("--check-config"), std::string::npos);
}

}  // namespace
}  // namespace pscgi::testing
