#include <pscgi/response.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>
#include <utility>
#include <type_traits>

namespace pscgi {
namespace {

// The design rests on this: once finished, a response cannot be changed through the pointer everyone
// shares, so a cached object can never be edited into a 304 (or anything else).
static_assert(std::is_same_v<ResponsePtr, std::shared_ptr<const Response>>);
static_assert(std::is_const_v<ResponsePtr::element_type>);
static_assert(!std::is_assignable_v<ResponsePtr::element_type&, const Response&>);

TEST(ResponseBuilderTest, RendersCgiStyleBytesOnce) {
  auto r = ResponseBuilder(200).content_type("text/plain").body("hello").no_etag().finish();
  EXPECT_EQ(r->wire(), "Status: 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(r->wire_head(), "Status: 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n");
  EXPECT_EQ(r->wire_tail(), "\r\nhello");
  EXPECT_EQ(r->body(), "hello");
  EXPECT_EQ(r->header("content-length"), "5");
}

TEST(ResponseBuilderTest, ComputesContentLengthOverAppValue) {
  auto r = ResponseBuilder(200).header("Content-Length", "999").body("abc").no_etag().finish();
  EXPECT_EQ(r->header("Content-Length"), "3");
  EXPECT_EQ(r->headers().size(), 1u);
}

TEST(ResponseBuilderTest, NoContentLengthOrBodyFor204And304) {
  for (int status : {204, 304}) {
    auto r = ResponseBuilder(status).body("ignored").finish();
    EXPECT_FALSE(r->header("Content-Length")) << status;
    EXPECT_EQ(r->body(), "") << status;
  }
}

TEST(ResponseBuilderTest, KeepsRepeatedHeaders) {
  auto r = ResponseBuilder(200).header("Set-Cookie", "a=1").header("Set-Cookie", "b=2").finish();
  EXPECT_NE(r->wire().find("Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n"), std::string_view::npos);
}

TEST(ResponseBuilderTest, RejectsHeaderInjectionAndBadStatus) {
  EXPECT_THROW(ResponseBuilder(200).header("X", "a\r\nInjected: 1").finish(), std::invalid_argument);
  EXPECT_THROW(ResponseBuilder(200).header("Bad Name", "v").finish(), std::invalid_argument);
  EXPECT_THROW(ResponseBuilder(200).header("", "v").finish(), std::invalid_argument);
  EXPECT_THROW(ResponseBuilder(42).finish(), std::invalid_argument);
}

// RFC 9110 5.5: a value holds visible ASCII, SP, HTAB and obs-text; every other byte is refused
// the way CR and LF are, each class of byte checked at the start, middle and end of a value.
TEST(ResponseBuilderTest, HeaderValuesAllowVisibleAsciiSpaceTabAndObsTextOnly) {
  for (int byte = 0; byte < 256; ++byte) {
    const bool allowed = byte == '\t' || (byte >= 0x20 && byte != 0x7f);
    const std::string c(1, static_cast<char>(byte));
    for (const std::string& value : {c + "v", "a" + c + "b", "v" + c}) {
      if (allowed) {
        EXPECT_NO_THROW(ResponseBuilder(200).header("X-Value", value).finish()) << "byte " << byte;
      } else {
        EXPECT_THROW(ResponseBuilder(200).header("X-Value", value).finish(), std::invalid_argument) << "byte " << byte;
      }
    }
  }
}

TEST(ResponseBuilderTest, TheRefusalNamesTheByteAndTheHeaderWithoutWritingTheByte) {
  for (const char* bad : {"a\x01b", "\x1b[2J", "del\x7f"}) {
    try {
      ResponseBuilder(200).header("X-Echo", bad).finish();
      ADD_FAILURE() << "accepted " << bad;
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("X-Echo"), std::string::npos) << what;
      EXPECT_NE(what.find("control byte 0x"), std::string::npos) << what;
      EXPECT_TRUE(std::none_of(what.begin(), what.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
          << what;
    }
  }
}

TEST(ResponseBuilderTest, HeaderNamesAreTokens) {
  for (int byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    const bool token = std::isalnum(byte) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    const std::string name = std::string("X-") + c;
    if (token && byte < 0x80) {
      EXPECT_NO_THROW(ResponseBuilder(200).header(name, "v").finish()) << "byte " << byte;
    } else {
      EXPECT_THROW(ResponseBuilder(200).header(name, "v").finish(), std::invalid_argument) << "byte " << byte;
    }
  }
}

TEST(ResponseBuilderTest, ObsTextAndTabsPassThroughUnchanged) {
  const ResponsePtr r = ResponseBuilder(200).header("X-Name", "caf\xc3\xa9\tt\xff").body("x").finish();
  EXPECT_NE(r->wire().find("X-Name: caf\xc3\xa9\tt\xff\r\n"), std::string_view::npos);
}

// The expected hashes are XXH64 (seed 0) as computed by the reference library (libxxhash 0.8.1);
// the lengths cover each tail path (1, 4+1, 2x32+8+1, 32+8+4+3 bytes) and the long loop.
TEST(ResponseBuilderTest, ComputesAStrongEtagFromTheBodyOf200) {
  std::string bytes47;
  for (int i = 0; i < 47; ++i) bytes47.push_back(static_cast<char>((i * 7 + 3) % 256));
  const std::pair<std::string, std::string> cases[] = {
      {"a", "\"d24ec4f1a98c6e5b-1\""},
      {"abc", "\"44bc2cf5ad770999-3\""},
      {"hello", "\"26c7827d889f6da3-5\""},
      {"0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ!", "\"59958a6b5f12dbc1-73\""},
      {bytes47, "\"a7c5465cc5ad205e-47\""},
      {std::string(1000, 'x'), "\"4cb9a3b69cb700e1-1000\""},
  };
  for (const auto& [body, etag] : cases) {
    auto r = ResponseBuilder(200).body(body).finish();
    EXPECT_EQ(r->header("ETag"), etag) << body.size();
  }
}

TEST(ResponseBuilderTest, EtagSitsInTheHeadBeforeContentLengthAndIsStable) {
  auto a = ResponseBuilder(200).content_type("text/plain").body("hello").finish();
  auto b = ResponseBuilder(200).content_type("text/plain").body("hello").finish();
  EXPECT_EQ(a->wire(), "Status: 200 OK\r\nContent-Type: text/plain\r\nETag: \"26c7827d889f6da3-5\"\r\n"
                       "Content-Length: 5\r\n\r\nhello");
  EXPECT_EQ(a->wire(), b->wire());
  EXPECT_NE(ResponseBuilder(200).body("hellp").finish()->header("ETag"), a->header("ETag"));
}

TEST(ResponseBuilderTest, NoComputedEtagWhenTheAppGaveAValidatorOrOptedOut) {
  EXPECT_EQ(ResponseBuilder(200).header("etag", "W/\"mine\"").body("x").finish()->header("ETag"), "W/\"mine\"");
  EXPECT_EQ(ResponseBuilder(200).header("ETag", "\"a\"").body("x").finish()->headers().size(), 2u);
  auto dated = ResponseBuilder(200).header("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT").body("x").finish();
  EXPECT_FALSE(dated->header("ETag"));
  EXPECT_FALSE(ResponseBuilder(200).body("x").no_etag().finish()->header("ETag"));
}

TEST(ResponseBuilderTest, NoComputedEtagForOtherStatusesOrEmptyBodies) {
  for (int status : {201, 203, 204, 206, 301, 304, 404, 500}) {
    EXPECT_FALSE(ResponseBuilder(status).body("x").finish()->header("ETag")) << status;
  }
  EXPECT_FALSE(ResponseBuilder(200).finish()->header("ETag"));
}

TEST(ResponseTest, WithoutBodyIsANewObjectWithTheSameHead) {
  auto full = ResponseBuilder(200).body("0123456789").finish();
  auto head = full->without_body();
  EXPECT_NE(head.get(), full.get());
  EXPECT_EQ(head->wire_head(), full->wire_head());
  EXPECT_EQ(head->wire_tail(), "\r\n");
  EXPECT_EQ(head->header("Content-Length"), "10");
  EXPECT_EQ(full->body(), "0123456789");
}

TEST(ResponseTest, CachePolicyAndLifetimeComeFromTheBuilder) {
  auto r = ResponseBuilder(200).uncacheable().cache_for(std::chrono::seconds(5)).finish();
  EXPECT_EQ(r->cache_policy(), CachePolicy::never);
  EXPECT_EQ(r->lifetime(), std::chrono::milliseconds(5000));
  EXPECT_EQ(ResponseBuilder().finish()->cache_policy(), CachePolicy::automatic);
}

TEST(ResponseTest, ErrorResponsesAreSmallUncacheableText) {
  auto r = make_error_response(404);
  EXPECT_EQ(r->status(), 404);
  EXPECT_EQ(r->body(), "404 Not Found\n");
  EXPECT_EQ(r->cache_policy(), CachePolicy::never);
}

}  // namespace
}  // namespace pscgi
