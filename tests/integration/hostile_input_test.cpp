// The hostile-input matrix: raw SCGI against the real binary with one worker. Each case is a row of
// a table (what is sent, the documented outcome, the log line it leaves); the runner sends it while
// another client keeps asking for /hello, then checks that the same worker answers a good request,
// and that its resident memory and open descriptors stay bounded. The figures it prints are the
// ones docs/reliability.md shows. A case is one more row (see hostile_cases()).

#include "harness.hpp"
#include "hostile_peers.hpp"
#include "lifecycle/lifecycle_support.hpp"
#include "load_generator.hpp"
#include "process_figures.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

namespace pscgi::testing {
namespace {

namespace fs = std::filesystem;

// The limits the fixtures in tests/fixtures/scgi are written for (make_fixtures.py), and a short
// read_timeout so that the slow peers are answered within seconds.
constexpr std::size_t max_header_bytes = 64 * 1024;
constexpr auto read_timeout = 2s;
// Allocator noise: a case that refuses a request or answers a small one holds nothing after it.
constexpr long small_growth_kib = 1024;
// A finished connection kept for reuse (a worker keeps up to 8) still holds its last answer until
// it is reused: after an 8 MiB answer the worker stays about 16 MiB larger until then (the answer
// and its copy on the way out). Bounded by the spare connections, not by the answers sent.
constexpr long large_answer_growth_kib = 3 * 8 * 1024;
// Each kept connection's parser keeps the room the largest request it parsed needed: for 100 000
// variables about 3 MiB, once per parser that meets such a request.
constexpr long parser_room_kib = 4 * 1024;

std::string matrix_config(const std::string& limits = "") {
  return "listen: unix:{socket}\n"
         "workers: { count: 1, max_requests: 0 }\n"
         "log: { level: info, error_log: stderr, access_log: off }\n"
         "pipeline: [access_log]\n"
         "limits: { read_timeout: 2s" + limits + " }\n";
}

/// One row of the matrix.
struct HostileCase {
  std::string name;
  std::string sent;  ///< what the peer does, for the table
  std::function<PeerOutcome(const std::string& socket)> act;
  int status = 0;    ///< the documented answer; 0: the connection closes without one
  std::string log;   ///< text the server's log must gain ("" when the case logs nothing)
  /// How much the worker's RSS may grow in this case (KiB): little, unless the case makes the
  /// worker hold something large on purpose (the row says why).
  long rss_growth_kib = small_growth_kib;
  /// Anything else the outcome must satisfy: "" when it does, else why not.
  std::function<std::string(const PeerOutcome&)> check = [](const PeerOutcome&) { return std::string(); };
};

std::string block_of(const std::vector<std::pair<std::string, std::string>>& variables) {
  std::string block;
  for (const auto& [name, value] : variables) block += name + '\0' + value + '\0';
  return block;
}

std::string netstring(const std::vector<std::pair<std::string, std::string>>& variables) {
  const std::string block = block_of(variables);
  return std::to_string(block.size()) + ":" + block + ",";
}

// A GET /hello whose header block is exactly `size` bytes, padded with one long variable.
std::string header_block_of(std::size_t size) {
  std::vector<std::pair<std::string, std::string>> variables = {
      {"CONTENT_LENGTH", "0"}, {"SCGI", "1"}, {"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/hello"}, {"HTTP_X_PAD", ""}};
  variables.back().second.assign(size - block_of(variables).size(), 'p');
  return netstring(variables);
}

std::string tiny_variables(int count) {
  std::vector<std::pair<std::string, std::string>> variables = {
      {"CONTENT_LENGTH", "0"}, {"SCGI", "1"}, {"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/hello"}};
  for (int i = 0; i < count; ++i) variables.emplace_back("V", "");
  return netstring(variables);
}

std::function<PeerOutcome(const std::string&)> sends(std::string bytes) {
  return [bytes = std::move(bytes)](const std::string& socket) { return send_and_read(socket, bytes); };
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every malformed request of tests/fixtures/scgi/invalid, with the status its error maps to.
std::vector<HostileCase> fixture_cases() {
  std::vector<HostileCase> cases;
  for (const auto& entry : fs::directory_iterator(fs::path(PSCGI_FIXTURES_DIR) / "scgi" / "invalid")) {
    if (entry.path().extension() != ".scgi") continue;
    std::istringstream expect(read_bytes(fs::path(entry.path()).replace_extension(".expect")));
    std::string error;
    std::getline(expect, error);
    const std::string bytes = read_bytes(entry.path());
    // A peer that connects and closes without a byte is not a request: closed, nothing logged.
    const int status = bytes.empty() ? 0 : error == "header_too_large" ? 431 : error == "body_too_large" ? 413 : 400;
    cases.push_back({"fixture " + entry.path().stem().string(), "tests/fixtures/scgi/invalid/" + entry.path().filename().string(),
                     sends(bytes), status, status == 0 ? "" : "(answered " + std::to_string(status) + ")"});
  }
  std::sort(cases.begin(), cases.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return cases;
}

std::function<std::string(const PeerOutcome&)> one_answer_with(std::string text) {
  return [text = std::move(text)](const PeerOutcome& o) -> std::string {
    if (o.answers != 1) return std::to_string(o.answers) + " answers to one request";
    return o.raw.find(text) == std::string::npos ? "the answer lacks " + text : "";
  };
}

// No header line of the answer's head starts with the name that was smuggled into a value.
std::function<std::string(const PeerOutcome&)> no_header_named(std::string name) {
  return [name = std::move(name)](const PeerOutcome& o) -> std::string {
    const std::string head = o.raw.substr(0, o.raw.find("\r\n\r\n"));
    return head.find("\r\n" + name) == std::string::npos ? "" : "a split header " + name + " in: " + head;
  };
}

std::vector<HostileCase> protocol_cases() {
  const std::string second = scgi_request("GET", "/respond?status=299");
  return {
      {"header block at the limit", "a 64 KiB header block (limits.max_header_bytes)", sends(header_block_of(max_header_bytes)), 200, ""},
      {"header block one byte above", "a 64 KiB + 1 header block", sends(header_block_of(max_header_bytes + 1)), 431,
       "(answered 431)"},
      {"100 000 tiny variables", "100 000 variables V= (a 400 KB block)", sends(tiny_variables(100000)), 431, "(answered 431)"},
      {"slowloris", "a good request, one byte every 200 ms",
       [](const std::string& socket) { return trickle(socket, scgi_request("GET", "/hello"), 200ms, 8s); }, 408,
       "did not arrive within limits.read_timeout (answered 408)"},
      {"silent peer", "connects, sends nothing", [](const std::string& socket) { return stay_silent(socket, 8s); }, 408,
       "did not arrive within limits.read_timeout (answered 408)"},
      {"a large answer, read whole", "asks /work?kb=8192 and reads it all", sends(scgi_request("GET", "/work?kb=8192")), 200, "",
       large_answer_growth_kib},
      {"closes mid-response", "asks /work?kb=8192, reads 64 KiB, closes",
       [](const std::string& socket) { return close_mid_response(socket, scgi_request("GET", "/work?kb=8192"), 65536); }, 200, "",
       large_answer_growth_kib},
      {"smuggled second request", "CONTENT_LENGTH 0, then a whole second request", sends(scgi_request("GET", "/hello") + second), 200,
       "", small_growth_kib, one_answer_with("id=\"pid\"")},
      {"duplicated CONTENT_LENGTH", "CONTENT_LENGTH 0 twice", sends(netstring({{"CONTENT_LENGTH", "0"}, {"SCGI", "1"}, {"CONTENT_LENGTH", "0"}})),
       400, "(answered 400)"},
      {"conflicting CONTENT_LENGTH", "CONTENT_LENGTH 0 then 5, with 5 bytes",
       sends(netstring({{"CONTENT_LENGTH", "0"}, {"SCGI", "1"}, {"CONTENT_LENGTH", "5"}}) + "hello"), 400, "(answered 400)"},
      {"HTTP_CONTENT_LENGTH disagrees", "POST /echo, CONTENT_LENGTH 5, HTTP_CONTENT_LENGTH 50",
       sends(scgi_request("POST", "/echo", {{"HTTP_CONTENT_LENGTH", "50"}}, "hello")), 200, "",
       small_growth_kib, one_answer_with("\"body\": \"hello\"")},
      {"CR LF in an echoed header", "/respond?h=X-A:a%0D%0AX-Injected:1", sends(scgi_request("GET", "/respond?h=X-A:a%0D%0AX-Injected:1")), 400,
       "", small_growth_kib, no_header_named("X-Injected")},
      {"LF in an echoed header", "/respond?h=X-A:a%0AX-Injected:1", sends(scgi_request("GET", "/respond?h=X-A:a%0AX-Injected:1")), 400, "",
       small_growth_kib, no_header_named("X-Injected")},
      {"NUL in an echoed header", "/respond?h=X-A:a%00b", sends(scgi_request("GET", "/respond?h=X-A:a%00b")), 400, ""},
      {"CR LF in a request header", "/echo with HTTP_X_EVIL a\\r\\nX-Injected: 1",
       sends(scgi_request("GET", "/echo", {{"HTTP_X_EVIL", "a\r\nX-Injected: 1"}})), 200, "", small_growth_kib, no_header_named("X-Injected")},
  };
}

// The worker that answers /hello, with its figures.
struct WorkerFigures {
  pid_t pid = 0;
  long rss = 0;
  int fds = 0;
};

WorkerFigures after_good_request(const Server& server) {
  const Reply hello = scgi_get(server.socket(), "/hello");
  const pid_t pid = hello.status == 200 ? pid_in(hello) : 0;
  return {pid, rss_kib(pid), open_descriptors(pid)};
}

void run_matrix(const Server& server, const std::vector<HostileCase>& cases) {
  const WorkerFigures first = after_good_request(server);
  ASSERT_NE(first.pid, 0) << server.log();
  for (const HostileCase& c : cases) {
    SCOPED_TRACE(c.name);
    const WorkerFigures before = after_good_request(server);
    const std::size_t log_before = server.log().size();
    LoadGenerator others({.clients = 1, .pause = 20ms}, scgi_get_from(server.socket(), "/hello"), expect_status(200));
    const PeerOutcome outcome = c.act(server.socket());
    others.wait_successes(1, 5s);  // a quick case may be over before the first of them
    others.stop();

    EXPECT_EQ(outcome.status, c.status) << outcome.raw.substr(0, 300);
    EXPECT_EQ(c.check(outcome), "");
    EXPECT_EQ(others.failures(), 0) << others.failure_report();
    EXPECT_GT(others.successes(), 0) << "nobody else was served";
    if (!c.log.empty()) {
      EXPECT_TRUE(wait_until([&] { return server.log().find(c.log, log_before) != std::string::npos; }, 2s))
          << server.log().substr(log_before);
    }
    WorkerFigures after = after_good_request(server);
    EXPECT_EQ(after.pid, before.pid) << "the case cost the worker:\n" << server.log().substr(log_before);
    // A rejected connection lingers (at most read_timeout) before the worker closes it.
    wait_until([&] { return (after = after_good_request(server)).fds <= before.fds; }, read_timeout + 3s, 100ms);
    EXPECT_LE(after.fds, before.fds);
    if (!built_with_address_sanitizer) {
      EXPECT_LE(after.rss - before.rss, c.rss_growth_kib);
    }
    std::cout << "[ hostile  ] | " << c.name << " | " << (outcome.status ? std::to_string(outcome.status) : "closed") << " | "
              << before.rss << " → " << after.rss << " KiB | " << before.fds << " → " << after.fds << " | "
              << outcome.took.count() << " ms | " << others.successes() << " others served |\n";
  }
  const WorkerFigures last = after_good_request(server);
  std::cout << "[ hostile  ] worker " << first.pid << ": " << cases.size() << " cases, RSS " << first.rss << " → " << last.rss
            << " KiB, descriptors " << first.fds << " → " << last.fds << "\n";
  EXPECT_EQ(last.pid, first.pid);
  EXPECT_EQ(last.fds, first.fds);
}

TEST(HostileInputTest, EveryMalformedScgiFormIsRefusedAndTheWorkerServesOn) {
  TempDir dir;
  Server server(dir, matrix_config());
  const std::vector<HostileCase> cases = fixture_cases();
  ASSERT_GE(cases.size(), 40u) << "the invalid fixtures went missing";
  run_matrix(server, cases);
}

TEST(HostileInputTest, LimitsSlowPeersSmugglingAndHeaderInjection) {
  TempDir dir;
  Server server(dir, matrix_config());
  run_matrix(server, protocol_cases());
}

TEST(HostileInputTest, OneHundredThousandVariablesUnderARaisedHeaderLimit) {
  TempDir dir;
  Server server(dir, matrix_config(", max_header_bytes: 1MiB"));
  const std::string request = tiny_variables(100000);
  std::vector<HostileCase> cases = {{"100 000 tiny variables, 1 MiB limit", "100 000 variables V= under max_header_bytes: 1MiB",
                                     sends(request), 200, "", parser_room_kib}};
  for (int round = 2; round <= 4; ++round) {
    cases.push_back({"the same, round " + std::to_string(round), "the same once more",
                     sends(request), 200, "", parser_room_kib});
  }
  run_matrix(server, cases);
}

}  // namespace
}  // namespace pscgi::testing
