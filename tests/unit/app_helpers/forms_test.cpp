#include <pscgi/forms.hpp>

#include <pscgi/errors.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace pscgi {
namespace {

Request post(std::string content_type, std::string body) {
  return Request::from_variables(
      {{"REQUEST_METHOD", "POST"}, {"REQUEST_URI", "/f?q=query"}, {"QUERY_STRING", "q=query"}, {"CONTENT_TYPE", content_type}},
      std::move(body));
}

TEST(MediaTypeTest, SplitsTypeAndCharsetCaseInsensitively) {
  const MediaType t = parse_media_type("Text/HTML; Charset=\"UTF-8\"");
  EXPECT_EQ(t.type, "text/html");
  EXPECT_EQ(t.charset, "utf-8");
  EXPECT_EQ(parse_media_type("application/json").charset, "");
  EXPECT_EQ(parse_media_type("  application/json ;boundary=x; charset=latin1 ").type, "application/json");
  EXPECT_EQ(parse_media_type("application/json;boundary=x;charset=latin1").charset, "latin1");
  EXPECT_EQ(parse_media_type("nonsense").type, "");
  EXPECT_EQ(parse_media_type("").type, "");
  EXPECT_EQ(parse_media_type("text/plain; charset").charset, "");
}

TEST(MediaTypeTest, ReadsTheRequestsContentType) {
  EXPECT_EQ(content_type(post("application/x-www-form-urlencoded; charset=UTF-8", "")).type,
            "application/x-www-form-urlencoded");
  EXPECT_EQ(content_type(Request()).type, "");
}

TEST(FormTest, DecodesAnUrlencodedBody) {
  const QueryParams fields = form(post("application/x-www-form-urlencoded", "name=Ann+Lee&tag=a&tag=b%26c&empty="));
  EXPECT_EQ(fields.first("name"), "Ann Lee");
  EXPECT_EQ(fields.all("tag"), (std::vector<std::string>{"a", "b&c"}));
  EXPECT_EQ(fields.first("empty"), "");
  EXPECT_FALSE(fields.contains("q"));  // the query string is not the form
}

TEST(FormTest, AnEmptyBodyHasNoFieldsWhateverItsType) {
  EXPECT_TRUE(form(post("", "")).empty());
  EXPECT_TRUE(form(post("application/json", "")).empty());
}

TEST(FormTest, AnotherBodyTypeIsABadRequest) {
  try {
    form(post("application/json", "{\"a\":1}"));
    FAIL() << "a JSON body was read as a form";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_THAT(e.what(), ::testing::HasSubstr("got application/json"));
  }
  EXPECT_THROW(form(post("", "a=1")), BadRequest);
  EXPECT_THROW(form(post("multipart/form-data; boundary=x", "--x")), BadRequest);
}

}  // namespace
}  // namespace pscgi
