#include "cache/cache_control.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pscgi::cache {
namespace {

using std::chrono::seconds;

ResponseCacheControl parse(std::vector<std::string> values) {
  ResponseBuilder builder(200);
  for (std::string& value : values) builder.header("Cache-Control", std::move(value));
  return parse_response_cache_control(*builder.finish());
}

TEST(CacheControlTest, ReadsTheDirectivesOfAllHeadersCaseInsensitively) {
  auto cc = parse({"Public, MAX-AGE=60", "s-maxage=\"30\", must-revalidate"});
  EXPECT_EQ(cc.max_age, seconds(60));
  EXPECT_EQ(cc.s_maxage, seconds(30));
  EXPECT_TRUE(cc.must_revalidate);
  EXPECT_FALSE(cc.is_private || cc.no_store || cc.no_cache);
  EXPECT_TRUE(parse({"proxy-revalidate"}).must_revalidate);
}

TEST(CacheControlTest, FieldNameFormsCountAsThePlainDirective) {
  EXPECT_TRUE(parse({"private=\"Set-Cookie\""}).is_private);
  EXPECT_TRUE(parse({"no-cache=\"X-Foo, X-Bar\", max-age=5"}).no_cache);
  EXPECT_EQ(parse({"no-cache=\"X-Foo, X-Bar\", max-age=5"}).max_age, seconds(5));
  EXPECT_TRUE(parse({"no-store"}).no_store);
}

TEST(CacheControlTest, InvalidAgesReadAsZeroHugeOnesAreCappedAndTheSmallestRepeatWins) {
  EXPECT_EQ(parse({"max-age=abc"}).max_age, seconds(0));
  EXPECT_EQ(parse({"max-age"}).max_age, seconds(0));
  EXPECT_EQ(parse({"max-age=-5"}).max_age, seconds(0));
  EXPECT_EQ(parse({"max-age=99999999999999999999999"}).max_age, seconds(2147483648));
  EXPECT_EQ(parse({"max-age=60, max-age=10"}).max_age, seconds(10));
  EXPECT_FALSE(parse({"public"}).max_age);
  EXPECT_FALSE(parse({}).s_maxage);
}

TEST(CacheControlTest, RequestNoCacheComesFromCacheControlOrPragma) {
  auto request = [](std::vector<std::pair<std::string, std::string>> vars) { return Request::from_variables(vars); };
  EXPECT_TRUE(request_says_no_cache(request({{"HTTP_CACHE_CONTROL", "max-age=0, No-Cache"}})));
  EXPECT_TRUE(request_says_no_cache(request({{"HTTP_PRAGMA", "no-cache"}})));
  EXPECT_FALSE(request_says_no_cache(request({{"HTTP_CACHE_CONTROL", "max-age=0"}})));
  EXPECT_FALSE(request_says_no_cache(request({{"HTTP_CACHE_CONTROL", "no-store"}, {"HTTP_PRAGMA", "x-no-cache"}})));
  EXPECT_FALSE(request_says_no_cache(request({})));
}

}  // namespace
}  // namespace pscgi::cache
