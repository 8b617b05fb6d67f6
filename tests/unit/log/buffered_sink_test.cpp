#include "log/buffered_sink.hpp"

#include <gtest/gtest.h>

#include <spdlog/logger.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace pscgi::log {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct BufferedSinkTest : ::testing::Test {
  std::string dir = std::filesystem::temp_directory_path() / ("pscgi-sink-" + std::to_string(::getpid()));
  std::string path = dir + "/access.log";
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override { std::filesystem::remove_all(dir); }
};

TEST_F(BufferedSinkTest, HoldsLinesUntilFlushedOrDue) {
  auto sink = std::make_shared<BufferedFdSink>(path);
  spdlog::logger logger("t", sink);
  logger.set_pattern("%v");
  logger.info("one");
  EXPECT_EQ(slurp(path), "");
  EXPECT_TRUE(sink->has_pending());
  sink->flush_if_due(std::chrono::steady_clock::now(), std::chrono::hours(1));
  EXPECT_EQ(slurp(path), "");
  sink->flush_if_due(std::chrono::steady_clock::now() + std::chrono::seconds(2), std::chrono::seconds(1));
  EXPECT_EQ(slurp(path), "one\n");
  EXPECT_FALSE(sink->has_pending());
}

TEST_F(BufferedSinkTest, WritesWhenTheBufferFills) {
  auto sink = std::make_shared<BufferedFdSink>(path, 64);
  spdlog::logger logger("t", sink);
  logger.set_pattern("%v");
  for (int i = 0; i < 10; ++i) logger.info("line number {}", i);
  EXPECT_GE(slurp(path).size(), 64u);
}

TEST_F(BufferedSinkTest, ReopenFollowsLogRotation) {
  auto sink = std::make_shared<BufferedFdSink>(path);
  spdlog::logger logger("t", sink);
  logger.set_pattern("%v");
  logger.info("before");
  std::filesystem::rename(path, path + ".1");
  sink->reopen();  // writes what it held to the old file, then opens a new one
  logger.info("after");
  logger.flush();
  EXPECT_EQ(slurp(path + ".1"), "before\n");
  EXPECT_EQ(slurp(path), "after\n");
}

TEST_F(BufferedSinkTest, AnUnopenableFileIsAnErrorNamingIt) {
  try {
    BufferedFdSink sink(dir + "/missing/dir/access.log");
    FAIL() << "expected an exception";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing/dir/access.log"), std::string::npos);
  }
}

}  // namespace
}  // namespace pscgi::log
