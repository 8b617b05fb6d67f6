#include "apps/cgi/output_head.hpp"

#include <gtest/gtest.h>

namespace pscgi::apps::cgi {
namespace {

std::vector<std::string> names(const CgiHead& head) {
  std::vector<std::string> result;
  for (const Header& h : head.headers) result.push_back(h.name);
  return result;
}

TEST(OutputHeadTest, ParsesADocumentWithLfOrCrlf) {
  for (const char* output : {"Content-Type: text/plain\n\nhello", "Content-Type: text/plain\r\n\r\nhello"}) {
    const ParsedOutput parsed = parse_cgi_output(output);
    ASSERT_TRUE(parsed.ok()) << parsed.error;
    EXPECT_FALSE(parsed.head.status);
    EXPECT_TRUE(parsed.head.has_content_type);
    EXPECT_EQ(parsed.head.body, "hello");
    ASSERT_EQ(parsed.head.headers.size(), 1u);
    EXPECT_EQ(parsed.head.headers[0].value, "text/plain");
  }
}

TEST(OutputHeadTest, ReadsStatusWithOrWithoutReason) {
  EXPECT_EQ(parse_cgi_output("Status: 404 Not Found\nContent-Type: text/plain\n\n").head.status, 404);
  EXPECT_EQ(parse_cgi_output("status:201\n\n").head.status, 201);
  EXPECT_EQ(parse_cgi_output("Status: 599 Whatever\n\n").head.status, 599);
}

TEST(OutputHeadTest, RefusesBadStatuses) {
  for (const char* output : {"Status: 99\n\n", "Status: 100 Continue\n\n", "Status: 600\n\n", "Status: abc\n\n",
                             "Status: 2000\n\n", "Status: 200OK\n\n", "Status:\n\n"}) {
    const ParsedOutput parsed = parse_cgi_output(output);
    EXPECT_FALSE(parsed.ok()) << output;
    EXPECT_NE(parsed.error.find("Status"), std::string::npos) << parsed.error;
  }
}

TEST(OutputHeadTest, DropsStatusLengthAndHopByHopHeadersButKeepsTheRest) {
  const ParsedOutput parsed = parse_cgi_output(
      "Status: 200\nContent-Type: text/html\nContent-Length: 999\nConnection: close\nTransfer-Encoding: chunked\n"
      "Set-Cookie: a=1\nSet-Cookie: b=2\nX-Thing:  spaced value \t\n\nbody");
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(names(parsed.head), (std::vector<std::string>{"Content-Type", "Set-Cookie", "Set-Cookie", "X-Thing"}));
  EXPECT_EQ(parsed.head.headers[3].value, "spaced value");
}

TEST(OutputHeadTest, NotesLocationAndCacheHeaders) {
  const ParsedOutput parsed = parse_cgi_output("Location: /next?x=1\nCache-Control: max-age=60\n\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.head.location, "/next?x=1");
  EXPECT_TRUE(parsed.head.has_cache_headers);
  EXPECT_TRUE(parse_cgi_output("Content-Type: a/b\nexpires: 0\n\n").head.has_cache_headers);
  EXPECT_FALSE(parse_cgi_output("Content-Type: a/b\n\n").head.has_cache_headers);
}

TEST(OutputHeadTest, RefusesGarbage) {
  const char* garbage[] = {
      "",                                         // no output at all
      "hello world",                              // no head end
      "Content-Type: text/plain\nno blank line",  // no head end
      "this is not a header\n\nbody",             // no colon
      "Bad Name: x\n\n",                          // space in the name
      ": empty name\n\n",
      "\n\nbody",                                  // empty head
      "Content-Type: a/b\n continued\n\n",        // folding
      "X: a\x01b\n\n",                            // control character
      "X: \x1b[2J\n\n",                           // terminal escape
      "X: del\x7f\n\n",                            // DEL
      "X: a\rb\n\n",                              // a lone CR inside a value
      "X\x01: v\n\n",                             // control character in the name
      "Caf\xc3\xa9: v\n\n",                        // a name is ASCII
      "Status: 200\nStatus: 201\n\n",
      "Location: /a\nLocation: /b\n\n",
      "Content-Type: a/b\nContent-Type: c/d\n\n",
      "Location:\n\n",
      "<html><body>oops</body></html>\n\n",
  };
  for (const char* output : garbage) {
    const ParsedOutput parsed = parse_cgi_output(output);
    EXPECT_FALSE(parsed.ok()) << "accepted: " << output;
    EXPECT_FALSE(parsed.error.empty());
  }
  EXPECT_FALSE(parse_cgi_output(std::string_view("X: a\0b\n\n", 8)).ok());  // NUL inside a value
}

// The rule ResponseBuilder applies: obs-text (0x80-0xFF) and tabs inside a value are fine.
TEST(OutputHeadTest, ValuesMayHoldTabsAndObsText) {
  const ParsedOutput parsed = parse_cgi_output("Content-Type: text/plain\nX-Name: caf\xc3\xa9\tau lait\n\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  ASSERT_EQ(parsed.head.headers.size(), 2u);
  EXPECT_EQ(parsed.head.headers[1].value, "caf\xc3\xa9\tau lait");
}

TEST(OutputHeadTest, BodyMayHoldAnyBytes) {
  const std::string output = std::string("Content-Type: application/octet-stream\n\n") + std::string("\0\r\n\n\xff", 5);
  const ParsedOutput parsed = parse_cgi_output(output);
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.head.body, std::string_view("\0\r\n\n\xff", 5));
}

TEST(OutputHeadTest, AnErrorQuotesAtMost80BytesOfTheLine) {
  const ParsedOutput parsed = parse_cgi_output(std::string(1000, 'x') + "\n\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_LT(parsed.error.size(), 200u);
}

}  // namespace
}  // namespace pscgi::apps::cgi
