#include <pscgi/json.hpp>

#include <pscgi/errors.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace pscgi {
namespace {

using ::testing::HasSubstr;

Request with_body(std::string content_type, std::string body) {
  return Request::from_variables({{"REQUEST_METHOD", "POST"}, {"CONTENT_TYPE", content_type}}, std::move(body));
}

TEST(JsonTest, SerialisesAValue) {
  const ResponsePtr r = json({{"id", 7}, {"tags", {"a", "b"}}}, 201);
  EXPECT_EQ(r->status(), 201);
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(r->body()), (nlohmann::json{{"id", 7}, {"tags", {"a", "b"}}}));
}

TEST(JsonTest, ReplacesInvalidUtf8InsteadOfFailing) {
  const ResponsePtr r = json(nlohmann::json{{"s", std::string("a\xff")}});
  EXPECT_EQ(r->body(), "{\"s\":\"a\xEF\xBF\xBD\"}");
}

TEST(JsonTest, ParsesAJsonBody) {
  EXPECT_EQ(json_body(with_body("application/json", "{\"a\":[1,2]}"))["a"][1], 2);
  EXPECT_EQ(json_body(with_body("application/merge-patch+json; charset=utf-8", "{}")), nlohmann::json::object());
  EXPECT_EQ(json_body(with_body("", "[1]")), nlohmann::json::array({1}));
}

TEST(JsonTest, ABadBodyIsABadRequestSayingWhere) {
  try {
    json_body(with_body("application/json", "{\"a\":"));
    FAIL() << "truncated JSON was accepted";
  } catch (const BadRequest& e) {
    EXPECT_THAT(e.what(), HasSubstr("the body is not JSON: parse error at line 1, column 6"));
  }
  EXPECT_THROW(json_body(with_body("application/json", "")), BadRequest);
  try {
    json_body(with_body("text/plain", "{}"));
    FAIL() << "a text/plain body was read as JSON";
  } catch (const BadRequest& e) {
    EXPECT_THAT(e.what(), HasSubstr("got text/plain"));
  }
}

}  // namespace
}  // namespace pscgi
