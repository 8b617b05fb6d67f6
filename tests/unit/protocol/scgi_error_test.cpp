#include "protocol/scgi_error.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace pscgi::protocol {
namespace {

constexpr int first = static_cast<int>(ScgiError::bad_length);
constexpr int last = static_cast<int>(ScgiError::truncated);

TEST(ScgiErrorTest, ConvertsToAndComparesWithErrorCode) {
  const std::error_code ec = ScgiError::missing_comma;
  EXPECT_TRUE(ec);
  EXPECT_EQ(ec, ScgiError::missing_comma);
  EXPECT_NE(ec, ScgiError::missing_colon);
  EXPECT_EQ(&ec.category(), &scgi_category());
  EXPECT_STREQ(scgi_category().name(), "pscgi.scgi");
  EXPECT_NE(ec, std::make_error_code(std::errc::invalid_argument));
}

TEST(ScgiErrorTest, EveryValueHasItsOwnMessageAndName) {
  std::set<std::string> messages;
  std::set<std::string> names;
  for (int e = first; e <= last; ++e) {
    const auto error = static_cast<ScgiError>(e);
    const std::string message = make_error_code(error).message();
    EXPECT_FALSE(message.starts_with("unknown")) << e;
    messages.insert(message);
    EXPECT_FALSE(to_string(error).empty()) << e;
    names.insert(std::string(to_string(error)));
  }
  EXPECT_EQ(messages.size(), static_cast<std::size_t>(last - first + 1));
  EXPECT_EQ(names.size(), static_cast<std::size_t>(last - first + 1));
  EXPECT_EQ(to_string(ScgiError::repeated_content_length), "repeated_content_length");
  EXPECT_EQ(to_string(static_cast<ScgiError>(last + 1)), "");
  EXPECT_TRUE(scgi_category().message(last + 1).starts_with("unknown"));
}

TEST(ScgiErrorTest, NginxConfigurationErrorsSayHowToFixThem) {
  for (ScgiError e : {ScgiError::missing_scgi, ScgiError::bad_scgi, ScgiError::content_length_not_first,
                      ScgiError::missing_content_length}) {
    const std::string message = make_error_code(e).message();
    EXPECT_NE(message.find("include scgi_params;"), std::string::npos) << message;
    EXPECT_NE(message.find("CONTENT_LENGTH first"), std::string::npos) << message;
    EXPECT_NE(message.find("SCGI 1"), std::string::npos) << message;
  }
}

TEST(ScgiErrorTest, MapsToHttpStatus) {
  for (int e = first; e <= last; ++e) {
    const auto error = static_cast<ScgiError>(e);
    const int expected =
        error == ScgiError::header_too_large ? 431 : error == ScgiError::body_too_large ? 413 : 400;
    EXPECT_EQ(http_status(error), expected) << to_string(error);
  }
}

TEST(ScgiErrorTest, PrintableEscapesAndShortensPeerBytes) {
  EXPECT_EQ(printable("GET / HTTP/1.1"), "GET / HTTP/1.1");
  EXPECT_EQ(printable(std::string_view("a\0b\r\n\x7f\xff'\\", 9)), "a\\x00b\\x0d\\x0a\\x7f\\xff'\\x5c");
  EXPECT_EQ(printable(':'), ":");
  EXPECT_EQ(printable('\n'), "\\x0a");
  EXPECT_EQ(printable(std::string(64, 'x')), std::string(64, 'x'));
  EXPECT_EQ(printable(std::string(65, 'x')), std::string(64, 'x') + "...");
}

}  // namespace
}  // namespace pscgi::protocol
