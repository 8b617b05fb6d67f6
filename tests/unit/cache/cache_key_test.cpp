#include "cache/cache_key.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace pscgi::cache {
namespace {

using Vars = std::vector<std::pair<std::string, std::string>>;
using namespace std::string_literals;

std::string key_of(Vars vars) {
  std::string key;
  build_primary_key(key, Request::from_variables(vars));
  return key;
}

TEST(CacheKeyTest, IsMethodClassLowercaseHostAndExactUri) {
  EXPECT_EQ(key_of({{"REQUEST_METHOD", "GET"}, {"HTTP_HOST", "Example.COM:8080"}, {"REQUEST_URI", "/A%2Fb?z=1&a=2"}}),
            "GET\0example.com:8080\0/A%2Fb?z=1&a=2"s);
}

TEST(CacheKeyTest, HeadSharesGetOtherMethodsDoNot) {
  const Vars base = {{"HTTP_HOST", "h"}, {"REQUEST_URI", "/"}};
  auto with = [&](const char* method) {
    Vars vars = base;
    vars.emplace_back("REQUEST_METHOD", method);
    return key_of(vars);
  };
  EXPECT_EQ(with("HEAD"), with("GET"));
  EXPECT_NE(with("POST"), with("GET"));
}

TEST(CacheKeyTest, UriIsNotDecodedNorReordered) {
  const Vars base = {{"REQUEST_METHOD", "GET"}, {"HTTP_HOST", "h"}};
  auto uri = [&](const char* value) {
    Vars vars = base;
    vars.emplace_back("REQUEST_URI", value);
    return key_of(vars);
  };
  EXPECT_NE(uri("/a%20b"), uri("/a b"));
  EXPECT_NE(uri("/?a=1&b=2"), uri("/?b=2&a=1"));
  EXPECT_NE(uri("/Path"), uri("/path"));
  EXPECT_NE(uri("/x"), uri("/x?"));
}

TEST(CacheKeyTest, HostFallsBackToServerNameAndHostsDoNotCollideWithUris) {
  EXPECT_EQ(key_of({{"REQUEST_METHOD", "GET"}, {"SERVER_NAME", "Srv"}, {"REQUEST_URI", "/"}}), "GET\0srv\0/"s);
  EXPECT_NE(key_of({{"REQUEST_METHOD", "GET"}, {"HTTP_HOST", "a"}, {"REQUEST_URI", "b/c"}}),
            key_of({{"REQUEST_METHOD", "GET"}, {"HTTP_HOST", "ab"}, {"REQUEST_URI", "/c"}}));
}

TEST(CacheKeyTest, ReusedBufferIsReplacedNotAppended) {
  std::string key = "leftover from another request";
  build_primary_key(key,
                    Request::from_variables({{"REQUEST_METHOD", "GET"}, {"HTTP_HOST", "h"}, {"REQUEST_URI", "/"}}));
  EXPECT_EQ(key, "GET\0h\0/"s);
}

TEST(CacheKeyTest, VaryNamesAreCgiNamesSortedAndUnique) {
  auto response =
      ResponseBuilder(200).header("Vary", "Accept-Encoding, accept").header("vary", "ACCEPT-encoding").finish();
  EXPECT_EQ(vary_names(*response), (std::vector<std::string>{"HTTP_ACCEPT", "HTTP_ACCEPT_ENCODING"}));
  EXPECT_TRUE(vary_names(*ResponseBuilder(200).finish()).empty());
}

TEST(CacheKeyTest, VariantsDifferByValueAndByAbsenceOrEmptiness) {
  const std::vector<std::string> names = {"HTTP_ACCEPT_ENCODING"};
  auto variant = [&](Vars vars) {
    std::string key = "P";
    append_variant(key, Request::from_variables(vars), names);
    return key;
  };
  const std::string gzip = variant({{"HTTP_ACCEPT_ENCODING", "gzip"}});
  EXPECT_EQ(gzip, variant({{"HTTP_ACCEPT_ENCODING", "gzip"}, {"HTTP_ACCEPT", "x"}}));
  EXPECT_NE(gzip, variant({{"HTTP_ACCEPT_ENCODING", "br"}}));
  EXPECT_NE(variant({}), variant({{"HTTP_ACCEPT_ENCODING", ""}}));
  EXPECT_EQ(gzip.substr(0, 1), "P");
}

}  // namespace
}  // namespace pscgi::cache
