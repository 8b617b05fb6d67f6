#include <pscgi/request.hpp>

#include <gtest/gtest.h>

namespace pscgi {
namespace {

Request sample() {
  return Request::from_variables({{"CONTENT_LENGTH", "3"},
                                  {"SCGI", "1"},
                                  {"REQUEST_METHOD", "POST"},
                                  {"REQUEST_URI", "/a/b?x=1&y=2"},
                                  {"QUERY_STRING", "x=1&y=2"},
                                  {"REMOTE_ADDR", "10.0.0.1"},
                                  {"SERVER_NAME", "example.org"},
                                  {"HTTP_COOKIE", ""},
                                  {"HTTP_ACCEPT_ENCODING", "gzip"},
                                  {"HTTP_X_CUSTOM", "first"},
                                  {"HTTP_X_CUSTOM", "second"}},
                                 "abc");
}

TEST(RequestTest, WellKnownAccessors) {
  const Request r = sample();
  EXPECT_EQ(r.method(), "POST");
  EXPECT_EQ(r.uri(), "/a/b?x=1&y=2");
  EXPECT_EQ(r.query(), "x=1&y=2");
  EXPECT_EQ(r.path(), "/a/b") << "without DOCUMENT_URI, the URI up to '?'";
  EXPECT_EQ(r.remote_addr(), "10.0.0.1");
  EXPECT_EQ(r.host(), "example.org") << "SERVER_NAME when there is no HTTP_HOST";
  EXPECT_EQ(r.body(), "abc");
}

TEST(RequestTest, FindTellsAbsentFromEmptyForKnownAndOtherNames) {
  const Request r = sample();
  EXPECT_EQ(r.find("HTTP_COOKIE"), std::optional<std::string_view>(""));
  EXPECT_FALSE(r.find("HTTP_AUTHORIZATION"));
  EXPECT_FALSE(r.find("HTTP_IF_NONE_MATCH"));
  EXPECT_EQ(r.find("HTTP_ACCEPT_ENCODING"), "gzip");
  EXPECT_FALSE(r.find("HTTP_ACCEPT"));
  EXPECT_EQ(r.var("NOPE"), "");
}

TEST(RequestTest, FirstOfRepeatedNamesWins) {
  const Request r = Request::from_variables({{"REQUEST_METHOD", "GET"}, {"REQUEST_METHOD", "PUT"},
                                             {"HTTP_X_CUSTOM", "first"}, {"HTTP_X_CUSTOM", "second"}});
  EXPECT_EQ(r.method(), "GET");
  EXPECT_EQ(r.find("REQUEST_METHOD"), "GET");
  EXPECT_EQ(r.find("HTTP_X_CUSTOM"), "first");
}

TEST(RequestTest, HeaderMapsHttpNamesToCgiNames) {
  const Request r = sample();
  EXPECT_EQ(r.header("Accept-Encoding"), "gzip");
  EXPECT_EQ(r.header("accept-encoding"), "gzip");
  EXPECT_EQ(r.header("Cookie"), std::optional<std::string_view>(""));
  EXPECT_FALSE(r.header("Authorization"));
}

TEST(RequestTest, DocumentUriAndHttpHostWinWhenPresent) {
  const Request r = Request::from_variables(
      {{"REQUEST_URI", "/x%20y?q"}, {"DOCUMENT_URI", "/x y"}, {"HTTP_HOST", "a.example"}, {"SERVER_NAME", "b"}});
  EXPECT_EQ(r.path(), "/x y");
  EXPECT_EQ(r.host(), "a.example");
}

TEST(RequestTest, WithMethodCopiesEverythingElse) {
  const Request head = Request::from_variables({{"REQUEST_METHOD", "HEAD"}, {"REQUEST_URI", "/p"}, {"HTTP_A", "1"}}, "b");
  const Request get = head.with_method("GET");
  EXPECT_EQ(get.method(), "GET");
  EXPECT_EQ(head.method(), "HEAD");
  EXPECT_EQ(get.uri(), "/p");
  EXPECT_EQ(get.header("A"), "1");
  EXPECT_EQ(get.body(), "b");
  EXPECT_EQ(get.variable_count(), head.variable_count());
}

TEST(RequestTest, CopiesOwnTheirStorage) {
  std::optional<Request> original = sample();
  const Request copy = *original;
  original.reset();
  EXPECT_EQ(copy.uri(), "/a/b?x=1&y=2");
  EXPECT_EQ(copy.variable(0).name, "CONTENT_LENGTH");
}

}  // namespace
}  // namespace pscgi
