#include "request_set.hpp"

#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pscgi::load {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Reads back a rendered request: checks the netstring frame and returns the variables in order.
Pairs decode(const std::string& request) {
  const auto colon = request.find(':');
  const std::size_t length = std::stoul(request.substr(0, colon));
  EXPECT_EQ(request.size(), colon + 1 + length + 1);
  EXPECT_EQ(request.back(), ',');
  const std::string vars = request.substr(colon + 1, length);
  Pairs out;
  for (std::size_t at = 0; at < vars.size();) {
    const auto name_end = vars.find('\0', at);
    const auto value_end = vars.find('\0', name_end + 1);
    out.emplace_back(vars.substr(at, name_end - at),
                     vars.substr(name_end + 1, value_end - name_end - 1));
    at = value_end + 1;
  }
  return out;
}

TEST(RequestSetTest, RendersWhatNginxSendsInNginxsOrder) {
  RequestTemplate t;
  t.host = "example.test";
  t.headers = default_headers();
  const Pairs vars = decode(render_scgi_request("/work/x?ms=2&page=7", t));
  std::vector<std::string> names;
  for (const auto& [name, value] : vars) names.push_back(name);
  const std::vector<std::string> expected = {
      "CONTENT_LENGTH",  "REQUEST_METHOD",      "REQUEST_URI",   "QUERY_STRING",
      "CONTENT_TYPE",    "DOCUMENT_URI",        "DOCUMENT_ROOT", "SCGI",
      "SERVER_PROTOCOL", "REQUEST_SCHEME",      "REMOTE_ADDR",   "REMOTE_PORT",
      "SERVER_PORT",     "SERVER_NAME",         "HTTP_HOST",     "HTTP_USER_AGENT",
      "HTTP_ACCEPT",     "HTTP_ACCEPT_ENCODING"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(vars[0].second, "0");
  EXPECT_EQ(vars[1].second, "GET");
  EXPECT_EQ(vars[2].second, "/work/x?ms=2&page=7");
  EXPECT_EQ(vars[3].second, "ms=2&page=7");
  EXPECT_EQ(vars[5].second, "/work/x");
  EXPECT_EQ(vars[7].second, "1");
  EXPECT_EQ(vars[14].second, "example.test");
}

TEST(RequestSetTest, HeadersBecomeHttpVariablesAndHostIsNotRepeated) {
  EXPECT_EQ(http_variable_name("Accept-Encoding"), "HTTP_ACCEPT_ENCODING");
  EXPECT_EQ(http_variable_name("x-forwarded-for"), "HTTP_X_FORWARDED_FOR");
  RequestTemplate t;
  t.headers = {{"Host", "other"}, {"Cookie", "a=1"}};
  const Pairs vars = decode(render_scgi_request("/", t));
  int hosts = 0;
  for (const auto& [name, value] : vars) hosts += name == "HTTP_HOST";
  EXPECT_EQ(hosts, 1);
  EXPECT_EQ(vars.back(), (std::pair<std::string, std::string>{"HTTP_COOKIE", "a=1"}));
}

TEST(RequestSetTest, SetHeaderReplacesCaseInsensitivelyInPlaceOrAppends) {
  auto headers = default_headers();
  set_header(headers, "user-agent", "curl/8");
  set_header(headers, "Cookie", "x=y");
  ASSERT_EQ(headers.size(), 4u);
  EXPECT_EQ(headers[0].second, "curl/8");
  EXPECT_EQ(headers[3].first, "Cookie");
}

TEST(RequestSetTest, RejectsNulInVariables) {
  RequestTemplate t;
  t.headers = {{"X", std::string("a\0b", 3)}};
  EXPECT_THROW(render_scgi_request("/", t), std::invalid_argument);
}

TEST(RequestSetTest, ParsesUrlFiles) {
  std::istringstream in("# popular pages\n/a\n\n  3 /b?x=1  \n0.5\t/c\n");
  const auto uris = parse_url_file(in);
  ASSERT_EQ(uris.size(), 3u);
  EXPECT_EQ(uris[0].uri, "/a");
  EXPECT_EQ(uris[0].weight, 1.0);
  EXPECT_EQ(uris[1].uri, "/b?x=1");
  EXPECT_EQ(uris[1].weight, 3.0);
  EXPECT_EQ(uris[2].weight, 0.5);
}

TEST(RequestSetTest, UrlFileErrorsNameTheLine) {
  for (const char* text : {"/ok\nabc /x\n", "/ok\n0 /x\n", "/ok\n-1 /x\n", "/ok\n2 /x /y\n"}) {
    std::istringstream in(text);
    try {
      parse_url_file(in);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("line 2"), std::string::npos) << error.what();
    }
  }
}

TEST(RequestSetTest, ZipfSetHasOnePreRenderedRequestPerPageMostPopularFirst) {
  RequestTemplate t;
  const auto set = RequestSet::from_zipf("/work?ms=2&page={}", 10, 1.0, t);
  ASSERT_EQ(set.size(), 10u);
  EXPECT_EQ(set.label(0), "/work?ms=2&page=1");
  EXPECT_EQ(set.label(9), "/work?ms=2&page=10");
  EXPECT_EQ(set.request(9), render_scgi_request("/work?ms=2&page=10", t));
  EXPECT_GT(set.sampler().probability(0), set.sampler().probability(1));
  EXPECT_THROW(RequestSet::from_zipf("/no-hole", 3, 1.0, t), std::invalid_argument);
}

TEST(RequestSetTest, PickFollowsTheWeights) {
  RequestTemplate t;
  const auto set = RequestSet::from_uris({{1.0, "/rare"}, {9.0, "/common"}}, t);
  std::mt19937_64 random(3);
  int common = 0;
  for (int i = 0; i < 10000; ++i) common += &set.pick(random) == &set.request(1);
  EXPECT_NEAR(common, 9000, 200);
}

TEST(RequestSetTest, RawRequestIsSentVerbatim) {
  const std::string raw(
      "24:CONTENT_LENGTH\0"
      "0\0SCGI\0"
      "1\0,",
      28);
  const auto set = RequestSet::from_raw(raw, "file.scgi");
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set.request(0), raw);
}

}  // namespace
}  // namespace pscgi::load
