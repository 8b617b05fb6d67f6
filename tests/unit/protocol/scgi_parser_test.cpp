#include "protocol/scgi_parser.hpp"

#include "unit/protocol/scgi_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace pscgi::protocol {
namespace {

namespace fs = std::filesystem;

// The limits tests/fixtures/scgi/make_fixtures.py writes its fixtures for.
constexpr ParserLimits fixture_limits{64 * 1024, 8 * 1024 * 1024};

struct Fixture {
  std::string name;
  std::string bytes;
  std::vector<std::string> expect;  ///< the .expect sidecar's lines
};

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<Fixture> load_fixtures(const std::string& kind) {
  std::vector<Fixture> fixtures;
  for (const auto& entry : fs::directory_iterator(fs::path(PSCGI_FIXTURES_DIR) / "scgi" / kind)) {
    if (entry.path().extension() != ".scgi") continue;
    Fixture f{entry.path().stem().string(), read_bytes(entry.path()), {}};
    std::istringstream expect(read_bytes(fs::path(entry.path()).replace_extension(".expect")));
    for (std::string line; std::getline(expect, line);) f.expect.push_back(line);
    fixtures.push_back(std::move(f));
  }
  std::sort(fixtures.begin(), fixtures.end(), [](const Fixture& a, const Fixture& b) { return a.name < b.name; });
  return fixtures;
}

// Everything observable about one run, so that runs over differently split input can be compared.
struct Outcome {
  ScgiParser::State state = ScgiParser::State::header;
  std::string error;
  std::string detail;
  std::size_t consumed = 0;
  std::vector<std::string> variables;  ///< NAME=value, in order
  std::string body;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Outcome& o) {
  out << "state " << static_cast<int>(o.state) << ", error '" << o.error << "' (" << o.detail << "), consumed "
      << o.consumed << ", " << o.variables.size() << " variables, body of " << o.body.size();
  return out;
}

// Feeds `bytes` cut at each of `cuts` (ascending), then closes the input, checking on the way that
// the parser never takes more than it is given and only leaves bytes when it has stopped.
Outcome run(std::string_view bytes, const std::vector<std::size_t>& cuts) {
  ScgiParser parser(fixture_limits);
  Outcome outcome;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    const std::size_t end = i < cuts.size() ? cuts[i] : bytes.size();
    const std::size_t used = parser.feed(bytes.substr(start, end - start));
    EXPECT_LE(used, end - start);
    if (used < end - start) {
      EXPECT_TRUE(parser.state() == ScgiParser::State::complete || parser.state() == ScgiParser::State::failed);
    }
    outcome.consumed += used;
    start = end;
  }
  parser.finish_input();
  outcome.state = parser.state();
  if (parser.state() == ScgiParser::State::failed) {
    outcome.error = to_string(parser.error());
    outcome.detail = parser.error_detail();
  } else if (parser.state() == ScgiParser::State::complete) {
    const Request request = parser.take_request();
    for (std::size_t i = 0; i < request.variable_count(); ++i) {
      outcome.variables.push_back(std::string(request.variable(i).name) + "=" + std::string(request.variable(i).value));
    }
    outcome.body = request.body();
  }
  return outcome;
}

// Beast's parsegrind: the outcome must not depend on how the bytes arrive.
void grind(const Fixture& f) {
  const Outcome whole = run(f.bytes, {});
  for (std::size_t cut = 0; cut <= f.bytes.size(); ++cut) {
    ASSERT_EQ(run(f.bytes, {cut}), whole) << f.name << " split at " << cut;
  }
  std::vector<std::size_t> every_byte(f.bytes.size());
  for (std::size_t i = 0; i < every_byte.size(); ++i) every_byte[i] = i;
  ASSERT_EQ(run(f.bytes, every_byte), whole) << f.name << " fed byte by byte";
}

TEST(ScgiParserFixtureTest, ValidFixturesParseAsExpected) {
  const auto fixtures = load_fixtures("valid");
  ASSERT_GE(fixtures.size(), 10u);
  for (const Fixture& f : fixtures) {
    SCOPED_TRACE(f.name);
    const Outcome outcome = run(f.bytes, {});
    ASSERT_EQ(outcome.state, ScgiParser::State::complete) << outcome;
    std::vector<std::string> expected_variables;
    std::size_t expected_consumed = f.bytes.size();
    for (const std::string& line : f.expect) {
      if (line.starts_with("@consumed ")) expected_consumed = std::stoul(line.substr(10));
      else expected_variables.push_back(line);
    }
    EXPECT_EQ(outcome.variables, expected_variables);
    EXPECT_EQ(outcome.consumed, expected_consumed);
    const std::size_t content_length = std::stoul(outcome.variables.front().substr(sizeof("CONTENT_LENGTH")));
    ASSERT_EQ(outcome.body.size(), content_length);
    EXPECT_EQ(outcome.body, f.bytes.substr(expected_consumed - content_length, content_length));
  }
}

TEST(ScgiParserFixtureTest, InvalidFixturesFailWithTheExpectedError) {
  const auto fixtures = load_fixtures("invalid");
  ASSERT_GE(fixtures.size(), 40u);
  for (const Fixture& f : fixtures) {
    SCOPED_TRACE(f.name);
    ASSERT_FALSE(f.expect.empty());
    const Outcome outcome = run(f.bytes, {});
    ASSERT_EQ(outcome.state, ScgiParser::State::failed) << outcome;
    EXPECT_EQ(outcome.error, f.expect.front());
    EXPECT_TRUE(f.name.starts_with(outcome.error)) << "name an invalid fixture after its error";
    for (std::size_t i = 1; i < f.expect.size(); ++i) {
      ASSERT_TRUE(f.expect[i].starts_with("~")) << f.expect[i];
      EXPECT_NE(outcome.detail.find(f.expect[i].substr(1)), std::string::npos)
          << "detail '" << outcome.detail << "' lacks '" << f.expect[i].substr(1) << "'";
    }
  }
}

TEST(ScgiParserFixtureTest, EveryErrorHasAnInvalidFixture) {
  std::set<std::string> covered;
  for (const Fixture& f : load_fixtures("invalid")) covered.insert(f.expect.front());
  for (int e = static_cast<int>(ScgiError::bad_length); e <= static_cast<int>(ScgiError::truncated); ++e) {
    EXPECT_TRUE(covered.contains(std::string(to_string(static_cast<ScgiError>(e))))) << e;
  }
}

TEST(ScgiParserFixtureTest, EveryFixtureGivesTheSameOutcomeAtEverySplitPoint) {
  for (const char* kind : {"valid", "invalid"}) {
    for (const Fixture& f : load_fixtures(kind)) grind(f);
  }
}

TEST(ScgiParserFixtureTest, NginxRequestIsReadableThroughRequest) {
  const std::string bytes = read_bytes(fs::path(PSCGI_FIXTURES_DIR) / "scgi/valid/nginx_get.scgi");
  ScgiParser parser(fixture_limits);
  ASSERT_EQ(parser.feed(bytes), bytes.size());
  ASSERT_EQ(parser.state(), ScgiParser::State::complete) << parser.error_detail();
  const Request request = parser.take_request();
  EXPECT_EQ(request.method(), "GET");
  EXPECT_EQ(request.uri(), "/articles/42?lang=en&page=2");
  EXPECT_EQ(request.query(), "lang=en&page=2");
  EXPECT_EQ(request.path(), "/articles/42");
  EXPECT_EQ(request.host(), "example.org");
  EXPECT_EQ(request.remote_addr(), "203.0.113.7");
  EXPECT_EQ(request.header("Cookie"), "session=3f9a1c; theme=dark");
  EXPECT_EQ(request.header("If-None-Match"), "\"v42-7d\"");
  EXPECT_EQ(request.find("CONTENT_TYPE"), "");
  EXPECT_FALSE(request.find("HTTPS"));
  EXPECT_EQ(request.body(), "");
}

TEST(ScgiParserFixtureTest, RepeatedHeadersAreJoinedIntoTheFirstPlace) {
  const std::string bytes = read_bytes(fs::path(PSCGI_FIXTURES_DIR) / "scgi/valid/repeated_headers.scgi");
  ScgiParser parser(fixture_limits);
  parser.feed(bytes);
  ASSERT_EQ(parser.state(), ScgiParser::State::complete) << parser.error_detail();
  const Request request = parser.take_request();
  EXPECT_EQ(request.header("Accept"), "text/html, application/json");
  EXPECT_EQ(request.header("Cookie"), "a=1; b=2; c=3");
  EXPECT_EQ(request.header("X-Forwarded-For"), "10.0.0.1, 10.0.0.2, ");
  EXPECT_EQ(request.remote_addr(), "192.0.2.1");
  EXPECT_EQ(request.var("HTTPS"), "on");
  EXPECT_EQ(request.variable_count(), 8u);
  EXPECT_EQ(request.variable(2).name, "HTTP_ACCEPT");
}

}  // namespace
}  // namespace pscgi::protocol
