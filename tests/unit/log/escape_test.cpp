#include "log/escape.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>
#include <string>

namespace pscgi::log {
namespace {

// The bytes a forged error-log line needs, and a terminal escape that clears the screen.
const std::string forged = "/x\n[2026-01-01 00:00:00.000] [worker 1] [critical] FORGED\x1b[2J";

TEST(LogEscapeTest, PrintableAsciiIsKeptAsItIs) {
  const std::string plain = "GET /a/b?c=d&e=f%20g ~!@#$%^&*()_+-={}[]|:;<>,.?/ 09AZaz";
  EXPECT_FALSE(needs_escaping(plain));
  EXPECT_EQ(escaped(plain), plain);
  EXPECT_EQ(escaped(""), "");
}

TEST(LogEscapeTest, EveryByteOutsidePrintableAsciiBecomesHex) {
  for (int byte = 0; byte < 256; ++byte) {
    const std::string one(1, static_cast<char>(byte));
    const bool kept = byte >= 0x20 && byte < 0x7f && byte != '"' && byte != '\\';
    EXPECT_EQ(needs_escaping(one), !kept) << byte;
    EXPECT_EQ(escaped(one), kept ? one : fmt::format("\\x{:02x}", byte)) << byte;
  }
}

TEST(LogEscapeTest, ControlBytesQuotesAndBackslashByClass) {
  EXPECT_EQ(escaped(std::string_view("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(escaped("\r\n\t"), "\\x0d\\x0a\\x09");
  EXPECT_EQ(escaped("\x1b[2J\x7f"), "\\x1b[2J\\x7f");
  EXPECT_EQ(escaped("\"q\" 'a' \\"), "\\x22q\\x22 'a' \\x5c");
  EXPECT_EQ(escaped("caf\xc3\xa9 \xc2\x9b"), "caf\\xc3\\xa9 \\xc2\\x9b");  // UTF-8, and C1 CSI hidden in it
}

// Since the backslash itself is escaped, an escaped text reads back to exactly one original.
TEST(LogEscapeTest, ABackslashInTheInputCannotImitateAnEscape) {
  EXPECT_NE(escaped("\\x0a"), escaped("\n"));
  EXPECT_EQ(escaped("\\x0a"), "\\x5cx0a");
}

TEST(LogEscapeTest, AForgedLineStaysOnOneLine) {
  const std::string out = escaped(forged);
  EXPECT_EQ(out.find('\n'), std::string::npos);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out, "/x\\x0a[2026-01-01 00:00:00.000] [worker 1] [critical] FORGED\\x1b[2J");
}

TEST(LogEscapeTest, ASpaceSeparatedFieldEscapesItsSpacesToo) {
  EXPECT_TRUE(needs_escaping("1.2.3.4 x", Field::space_separated));
  EXPECT_FALSE(needs_escaping("1.2.3.4 x"));
  EXPECT_EQ(fmt::format("{}", Escaped{"10.0.0.1 \"GET /forged\" 200", Field::space_separated}),
            "10.0.0.1\\x20\\x22GET\\x20/forged\\x22\\x20200");
  EXPECT_EQ(fmt::format("{}", Escaped{"[::1]:80", Field::space_separated}), "[::1]:80");
}

TEST(LogEscapeTest, AppendAddsToWhatIsThere) {
  std::string out = "uri=";
  append_escaped(out, "a\nb");
  append_escaped(out, "/c");
  EXPECT_EQ(out, "uri=a\\x0ab/c");
}

TEST(LogEscapeTest, TheFormatterWritesTheSameAsEscaped) {
  EXPECT_EQ(fmt::format("[{}] [{}]", Escaped{forged}, Escaped{"plain"}), "[" + escaped(forged) + "] [plain]");
  fmt::memory_buffer buffer;
  write_escaped(std::back_inserter(buffer), "\x01z");
  EXPECT_EQ(fmt::to_string(buffer), "\\x01z");
}

TEST(LogEscapeTest, ThroughSpdlogOneEventIsOneLine) {
  std::ostringstream text;
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::ostream_sink_st>(text)));
  spdlog::error("request {}", Escaped{forged});
  spdlog::set_default_logger(previous);
  const std::string log = text.str();
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
  EXPECT_NE(log.find("request /x\\x0a[2026-01-01"), std::string::npos) << log;
}

}  // namespace
}  // namespace pscgi::log
