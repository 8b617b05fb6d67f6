#include "apps/cgi/stderr_lines.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pscgi::apps::cgi {
namespace {

struct Collected {
  std::vector<std::string> lines;
  StderrLines splitter(std::size_t max_line = 10, std::size_t max_total = 100) {
    return StderrLines([this](std::string_view line) { lines.emplace_back(line); }, max_line, max_total);
  }
};

TEST(StderrLinesTest, JoinsPiecesIntoLines) {
  Collected c;
  StderrLines lines = c.splitter();
  lines.feed("one\ntw");
  lines.feed("o\r\nthr");
  lines.feed("ee");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"one", "two"}));
  lines.finish();
  EXPECT_EQ(c.lines, (std::vector<std::string>{"one", "two", "three"}));
}

TEST(StderrLinesTest, CutsLongLines) {
  Collected c;
  StderrLines lines = c.splitter(4);
  lines.feed("abcdefghij\nxy\n");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"abcd", "efgh", "ij", "xy"}));
}

TEST(StderrLinesTest, ALineOfExactlyTheLimitIsOneLine) {
  Collected c;
  StderrLines lines = c.splitter(4);
  lines.feed("abcd\nef\n");
  EXPECT_EQ(c.lines, (std::vector<std::string>{"abcd", "ef"}));
}

TEST(StderrLinesTest, StopsAfterTheTotalWithOneNotice) {
  Collected c;
  StderrLines lines = c.splitter(100, 10);
  lines.feed("12345\n67890\nmore\nand more\n");
  lines.finish();
  ASSERT_EQ(c.lines.size(), 3u);
  EXPECT_EQ(c.lines[0], "12345");
  EXPECT_EQ(c.lines[1], "67890");
  EXPECT_NE(c.lines[2].find("not logged"), std::string::npos);
}

}  // namespace
}  // namespace pscgi::apps::cgi
