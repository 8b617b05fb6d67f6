// Log injection against the real binary: requests whose method, URI, REMOTE_ADDR or SCGI variables
// carry a forged log line and a terminal escape, sent over the raw socket (where a peer can send any
// byte) and through nginx. Both logs are then read line by line: every line has the shape its log
// gives it, no raw escape byte is in either file, and each event is exactly one (escaped) line.
#include "harness.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace pscgi::testing {
namespace {

const std::string forged = "\n[2026-01-01 00:00:00.000] [master 1] [critical] FORGED\x1b[2J";
const std::string escaped_forged = R"(\x0a[2026-01-01 00:00:00.000] [master 1] [critical] FORGED\x1b[2J)";

const std::regex error_line_shape(
    R"(^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[(master|worker) \d+\] \[(trace|debug|info|warning|error|critical)\] .*$)");
const std::regex access_line_shape(
    R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d \S+ "[^"]*" \d{3} \d+ \d+us pid=\d+ cache=\S+$)");

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> lines_containing(const std::string& text, const std::string& needle) {
  std::vector<std::string> found;
  for (const std::string& line : lines_of(text)) {
    if (line.find(needle) != std::string::npos) found.push_back(line);
  }
  return found;
}

// Every line of `text` has `shape`, and no byte of it could drive a terminal.
void expect_well_formed(const std::string& text, const std::regex& shape, const std::string& what) {
  for (const std::string& line : lines_of(text)) {
    EXPECT_TRUE(std::regex_match(line, shape)) << what << " line of the wrong shape: " << line;
  }
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    EXPECT_FALSE((byte < 0x20 && c != '\n') || byte >= 0x7f) << what << " holds raw byte " << int(byte);
    if ((byte < 0x20 && c != '\n') || byte >= 0x7f) break;
  }
}

struct LogInjectionTest : ::testing::Test {
  TempDir dir;
  Server server{dir,
                "listen: unix:{socket}\n"
                "socket_mode: \"0666\"\n"  // nginx's workers run as another user
                "workers: { count: 1 }\n"
                "log: { level: info, error_log: {dir}/error.log, access_log: {dir}/access.log }\n"
                "pipeline: [access_log]\n"
                "app: { type: demo }\n"};

  std::string error_log() const { return read_file(dir.file("error.log")); }
  std::string access_log() const { return read_file(dir.file("access.log")); }

  // Access lines are buffered for up to a second: wait until `count` of them hold `needle`.
  bool wait_access_lines(const std::string& needle, std::size_t count) const {
    return wait_until([&] { return lines_containing(access_log(), needle).size() >= count; }, 5s);
  }
};

TEST_F(LogInjectionTest, RawSocketPeersGetOneEscapedLinePerEventInBothLogs) {
  // A stage that throws: the pipeline's error line quotes method and URI.
  EXPECT_EQ(scgi_exchange(server.socket(), scgi_request("GET", "/respond?raise=1&tag=A" + forged)).status, 500);
  // An app that answers 400 itself (the demo app logs nothing for it): an access line only.
  EXPECT_EQ(scgi_exchange(server.socket(), scgi_request("GET", "/respond?h=nocolon&tag=B" + forged)).status, 400);
  // REMOTE_ADDR is whatever a raw peer says it is: the access log's first field.
  EXPECT_EQ(scgi_get(server.socket(), "/hello?tag=C", {{"REMOTE_ADDR", "10.0.0.1" + forged}}).status, 200);
  // A request the parser rejects: its detail quotes the peer's bytes.
  EXPECT_EQ(scgi_get(server.socket(), "/hello?tag=D", {{"SCGI", "2" + forged}}).status, 400);
  // A forged method.
  EXPECT_EQ(scgi_exchange(server.socket(), scgi_request("GET" + forged, "/respond?raise=1&tag=E")).status, 500);
  ASSERT_EQ(scgi_get(server.socket(), "/hello?tag=end").status, 200);  // the worker is still fine
  ASSERT_TRUE(wait_access_lines("tag=end", 1)) << access_log();

  const std::string errors = error_log();
  const std::string access = access_log();
  expect_well_formed(errors, error_line_shape, "error.log");
  expect_well_formed(access, access_line_shape, "access.log");

  // One error line per event that logs one, each with the escaped text where the raw bytes were.
  const std::vector<std::string> forged_errors = lines_containing(errors, "FORGED");
  ASSERT_EQ(forged_errors.size(), 3u) << errors;
  EXPECT_NE(forged_errors[0].find("[error] stage 'app' threw in on_request: /respond was asked to fail (raise=1) "
                                  "(request GET /respond?raise=1&tag=A" + escaped_forged + ")"),
            std::string::npos)
      << forged_errors[0];
  EXPECT_NE(forged_errors[1].find("[warning] rejected request from "), std::string::npos) << forged_errors[1];
  EXPECT_NE(forged_errors[1].find("SCGI is '2" + escaped_forged + "', not '1' (answered 400)"), std::string::npos)
      << forged_errors[1];
  EXPECT_NE(forged_errors[2].find("(request GET" + escaped_forged + " /respond?raise=1&tag=E)"), std::string::npos)
      << forged_errors[2];

  // One access line per answered request (the rejected one has no request fields to forge).
  const std::vector<std::string> forged_access = lines_containing(access, "FORGED");
  ASSERT_EQ(forged_access.size(), 4u) << access;
  EXPECT_NE(forged_access[0].find("\"GET /respond?raise=1&tag=A" + escaped_forged + "\" 500 "), std::string::npos)
      << forged_access[0];
  EXPECT_NE(forged_access[1].find("&tag=B" + escaped_forged + "\" 400 "), std::string::npos) << forged_access[1];
  // REMOTE_ADDR is a space-separated field: its spaces are escaped too.
  const std::string escaped_remote = std::regex_replace("10.0.0.1" + escaped_forged, std::regex(" "), R"(\x20)");
  EXPECT_NE(forged_access[2].find(" " + escaped_remote + " \"GET /hello?tag=C\" 200 "), std::string::npos)
      << forged_access[2];
  EXPECT_NE(forged_access[3].find("\"GET" + escaped_forged + " /respond?raise=1&tag=E\" 500 "), std::string::npos)
      << forged_access[3];
}

// nginx refuses control bytes in the request line itself (since 1.21.1), so through it they
// arrive only percent-encoded; they still make one line per request in each log.
TEST_F(LogInjectionTest, ThroughNginxEncodedForgeriesStayOneLineAndRawOnesNeverArrive) {
  Nginx nginx(dir, server.socket());
  EXPECT_EQ(http_request(nginx.port(), "GET", "/respond?raise=1&tag=N%0A%5B2026%5D%20FORGED%1B%5B2J").status, 500)
      << nginx.error_log();
  EXPECT_EQ(http_request(nginx.port(), "GET", "/respond?raise=1&tag=R\x1b[2J").status, 400);
  // Header values with control bytes do pass nginx; pscgi logs none of them.
  EXPECT_EQ(http_request(nginx.port(), "GET", "/hello?tag=H", {{"X-Agent", "x\x1b[2J"}, {"X-Forged", "\x01\x7f"}}).status,
            200);
  ASSERT_TRUE(wait_access_lines("tag=H", 1)) << access_log();

  const std::string errors = error_log();
  const std::string access = access_log();
  expect_well_formed(errors, error_line_shape, "error.log");
  expect_well_formed(access, access_line_shape, "access.log");
  EXPECT_EQ(lines_containing(errors, "FORGED").size(), 1u) << errors;
  EXPECT_EQ(lines_containing(access, "tag=N%0A%5B2026%5D%20FORGED%1B%5B2J\" 500").size(), 1u) << access;
  EXPECT_TRUE(lines_containing(access, "tag=R").empty()) << access;  // nginx answered it alone
}

}  // namespace
}  // namespace pscgi::testing
