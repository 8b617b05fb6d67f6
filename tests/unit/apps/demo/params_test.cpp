#include "apps/demo/params.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pscgi::apps::demo {
namespace {

TEST(IntParamTest, ReadsNumbersWithinBoundsInclusive) {
  const QueryParams q("a=0&b=10&c=-3&d=007");
  EXPECT_EQ(int_param(q, "a", 5, 0, 10), 0);
  EXPECT_EQ(int_param(q, "b", 5, 0, 10), 10);
  EXPECT_EQ(int_param(q, "c", 5, -3, 10), -3);
  EXPECT_EQ(int_param(q, "d", 5, 0, 10), 7);
}

TEST(IntParamTest, UsesTheFallbackOnlyWhenAbsent) {
  EXPECT_EQ(int_param(QueryParams("x=1"), "a", 5, 0, 10), 5);
  EXPECT_THROW(int_param(QueryParams("a="), "a", 5, 0, 10), BadRequest);
  EXPECT_THROW(int_param(QueryParams("a"), "a", 5, 0, 10), BadRequest);
}

TEST(IntParamTest, TheFirstOfRepeatedNamesWins) {
  EXPECT_EQ(int_param(QueryParams("a=2&a=bad"), "a", 5, 0, 10), 2);
}

TEST(IntParamTest, RefusesWhatIsNotAWholeNumberInRange) {
  for (const char* text : {"a=11", "a=-1", "a=1.0", "a=%201", "a=1%20", "a=%2B1", "a=0x1", "a=1e1",
                           "a=99999999999999999999999"}) {
    EXPECT_THROW(int_param(QueryParams(text), "a", 5, 0, 10), BadRequest) << text;
  }
}

TEST(IntParamTest, TheMessageNamesTheParameterAndTheRangeButNotTheValue) {
  try {
    int_param(QueryParams("ms=%3Cevil%3E"), "ms", 0, 0, 10000);
    FAIL();
  } catch (const BadRequest& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'ms'"), std::string::npos) << what;
    EXPECT_NE(what.find("0 to 10000"), std::string::npos) << what;
    EXPECT_EQ(what.find("evil"), std::string::npos) << what;
  }
}

TEST(FlagParamTest, AcceptsOnlyZeroAndOne) {
  EXPECT_FALSE(flag_param(QueryParams(""), "f"));
  EXPECT_FALSE(flag_param(QueryParams("f=0"), "f"));
  EXPECT_TRUE(flag_param(QueryParams("f=1"), "f"));
  EXPECT_THROW(flag_param(QueryParams("f=true"), "f"), BadRequest);
  EXPECT_THROW(flag_param(QueryParams("f="), "f"), BadRequest);
}

}  // namespace
}  // namespace pscgi::apps::demo
