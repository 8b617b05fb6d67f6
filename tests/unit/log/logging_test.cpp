#include "log/logging.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace pscgi::log {
namespace {

struct AccessLogTest : ::testing::Test {
  std::string dir = std::filesystem::temp_directory_path() / ("pscgi-log-" + std::to_string(::getpid()));
  std::string path = dir + "/access.log";
  void SetUp() override {
    std::filesystem::create_directories(dir);
    config::LogSettings settings;
    settings.access_log = path;
    setup_logging(settings, "worker");
  }
  void TearDown() override {
    config::LogSettings quiet;
    quiet.access_log = "off";
    setup_logging(quiet, "test");
    std::filesystem::remove_all(dir);
  }
  std::string contents() {
    flush_logs();
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

TEST_F(AccessLogTest, OneLineWithEveryField) {
  write_access({"127.0.0.1", "GET", "/hello?x=1", 200, 427, std::chrono::microseconds(172), "hit"});
  const std::string line = contents();
  const std::regex shape(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d 127\.0\.0\.1 "GET /hello\?x=1" 200 427 172us pid=\d+ cache=hit\n$)");
  EXPECT_TRUE(std::regex_match(line, shape)) << line;
  EXPECT_NE(line.find("pid=" + std::to_string(::getpid())), std::string::npos);
}

TEST_F(AccessLogTest, QuotesAndControlCharactersCannotForgeFields) {
  write_access({"", "GET", "/a\"b\nc", 404, 10, std::chrono::microseconds(1), "-"});
  const std::string line = contents();
  EXPECT_NE(line.find(R"(- "GET /a\x22b\x0ac" 404)"), std::string::npos) << line;
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
}

// A raw-socket peer chooses REMOTE_ADDR and the method as freely as the URI: each is escaped the
// one way every log line escapes a client's bytes (log/escape.hpp).
TEST_F(AccessLogTest, ForgedLinesAndTerminalEscapesInAnyFieldStayOneEscapedLine) {
  const std::string forged = "\n[2026-01-01] [critical] FORGED\x1b[2J";
  write_access({"1.2.3.4" + forged, "GET" + forged, "/a" + forged + "\\\xc3\xa9", 400, 10,
                std::chrono::microseconds(1), "-"});
  const std::string line = contents();
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  const std::string escaped_forged = R"(\x0a[2026-01-01] [critical] FORGED\x1b[2J)";
  // The address is a field of its own: its spaces are escaped too, so the fields after it stay put.
  const std::string remote = R"(1.2.3.4\x0a[2026-01-01]\x20[critical]\x20FORGED\x1b[2J)";
  EXPECT_NE(line.find(" " + remote + " \"GET" + escaped_forged + " /a" + escaped_forged +
                      R"(\x5c\xc3\xa9" 400 10 1us)"),
            std::string::npos)
      << line;
}

TEST_F(AccessLogTest, NothingIsWrittenWhenOff) {
  config::LogSettings off;
  off.access_log = "off";
  setup_logging(off, "worker");
  EXPECT_FALSE(access_log_enabled());
  write_access({"1.2.3.4", "GET", "/", 200, 1, std::chrono::microseconds(1), "-"});
  EXPECT_EQ(contents(), "");
}

// The master re-applies its log settings at a reload; a file that cannot be opened must leave it
// logging where it did (before, spdlog was left without a default logger, and the next line crashed).
TEST_F(AccessLogTest, ASettingThatCannotBeOpenedChangesNothing) {
  const std::string error_path = dir + "/error.log";
  config::LogSettings first;
  first.error_log = error_path;
  first.access_log = path;
  setup_logging(first, "master");

  // Below a regular file: no directory can be made there (spdlog makes missing directories).
  const std::string not_a_directory = dir + "/plain-file";
  std::ofstream(not_a_directory) << "x";
  config::LogSettings broken = first;
  broken.error_log = not_a_directory + "/error.log";
  EXPECT_THROW(setup_logging(broken, "master"), std::exception);
  broken = first;
  broken.access_log = not_a_directory + "/access.log";
  EXPECT_THROW(setup_logging(broken, "master"), std::exception);

  spdlog::error("still here");
  write_access({"1.2.3.4", "GET", "/after", 200, 1, std::chrono::microseconds(1), "-"});
  EXPECT_NE(contents().find("/after"), std::string::npos);
  std::ifstream in(error_path);
  std::stringstream errors;
  errors << in.rdbuf();
  EXPECT_NE(errors.str().find("still here"), std::string::npos) << errors.str();
}

}  // namespace
}  // namespace pscgi::log
