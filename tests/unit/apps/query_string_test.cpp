#include <pscgi/query.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pscgi {
namespace {

using Strings = std::vector<std::string>;

TEST(PercentDecodeTest, DecodesEscapesInEitherCase) {
  EXPECT_EQ(percent_decode("a%20b%2fc%2Fd"), "a b/c/d");
  EXPECT_EQ(percent_decode("%41%62%7e"), "Ab~");
  EXPECT_EQ(percent_decode("%E2%82%AC"), "\xE2\x82\xAC");
}

TEST(PercentDecodeTest, KeepsPlusForPaths) { EXPECT_EQ(percent_decode("a+b%2B"), "a+b+"); }

TEST(PercentDecodeTest, DecodesNulAndHighBytesAsBytes) {
  const std::string decoded = percent_decode("x%00y%FF");
  ASSERT_EQ(decoded.size(), 4u);
  EXPECT_EQ(decoded[1], '\0');
  EXPECT_EQ(static_cast<unsigned char>(decoded[3]), 0xFF);
}

TEST(PercentDecodeTest, KeepsInvalidEscapesLiterally) {
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%4"), "%4");
  EXPECT_EQ(percent_decode("%4g%zz"), "%4g%zz");
  EXPECT_EQ(percent_decode("%%41"), "%A");  // the first % is broken, the second starts an escape
  EXPECT_EQ(percent_decode("%"), "%");
  EXPECT_EQ(percent_decode(""), "");
}

TEST(PercentDecodeTest, DoesNotDecodeTwice) { EXPECT_EQ(percent_decode("%2541"), "%41"); }

TEST(FormDecodeTest, PlusIsSpaceAndEscapedPlusIsPlus) {
  EXPECT_EQ(form_decode("a+b"), "a b");
  EXPECT_EQ(form_decode("1%2B1+%3D+2"), "1+1 = 2");
  EXPECT_EQ(form_decode("%zz+"), "%zz ");
}

TEST(QueryParamsTest, ParsesPairsInOrder) {
  const QueryParams q("b=2&a=1&c=3");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q.params()[0].name, "b");
  EXPECT_EQ(q.params()[1].name, "a");
  EXPECT_EQ(q.params()[2].value, "3");
}

TEST(QueryParamsTest, KeepsRepeatedNames) {
  const QueryParams q("h=A:1&x=0&h=B:2&h=C:3");
  EXPECT_EQ(q.all("h"), (Strings{"A:1", "B:2", "C:3"}));
  EXPECT_EQ(q.first("h"), "A:1");
  EXPECT_EQ(q.all("x"), Strings{"0"});
}

TEST(QueryParamsTest, MissingNamesAreEmpty) {
  const QueryParams q("a=1");
  EXPECT_EQ(q.first("b"), std::nullopt);
  EXPECT_TRUE(q.all("b").empty());
  EXPECT_FALSE(q.contains("b"));
  EXPECT_TRUE(q.contains("a"));
}

TEST(QueryParamsTest, NamesAreCaseSensitive) {
  const QueryParams q("Ms=1");
  EXPECT_FALSE(q.first("ms"));
  EXPECT_EQ(q.first("Ms"), "1");
}

TEST(QueryParamsTest, DecodesNamesAndValues) {
  const QueryParams q("my%20name=a+b%26c&body=%3Cb%3E");
  EXPECT_EQ(q.first("my name"), "a b&c");
  EXPECT_EQ(q.first("body"), "<b>");
}

TEST(QueryParamsTest, SplitsAtTheFirstEqualsOnly) {
  const QueryParams q("h=Cache-Control:max-age=60");
  EXPECT_EQ(q.first("h"), "Cache-Control:max-age=60");
}

TEST(QueryParamsTest, NameWithoutValueAndValueWithoutName) {
  const QueryParams q("flag&=x&empty=");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q.first("flag"), "");
  EXPECT_EQ(q.first(""), "x");
  EXPECT_EQ(q.first("empty"), "");
}

TEST(QueryParamsTest, SkipsEmptyPieces) {
  const QueryParams q("&a=1&&b=2&");
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q.first("a"), "1");
  EXPECT_EQ(q.first("b"), "2");
  EXPECT_TRUE(QueryParams("").empty());
  EXPECT_TRUE(QueryParams("&&&").empty());
}

TEST(QueryParamsTest, SemicolonIsNotASeparator) {
  const QueryParams q("a=1;b=2");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q.first("a"), "1;b=2");
}

TEST(QueryParamsTest, EncodedSeparatorsStayInsideValues) {
  const QueryParams q("a=1%262%3D3&b=x");
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q.first("a"), "1&2=3");
}

TEST(QueryParamsTest, InvalidEscapesAreKeptInPairs) {
  const QueryParams q("p=50%&q=%g1");
  EXPECT_EQ(q.first("p"), "50%");
  EXPECT_EQ(q.first("q"), "%g1");
}

TEST(QueryParamsTest, IteratesOverEveryPair) {
  std::string joined;
  for (const QueryParam& p : QueryParams("a=1&b=2")) joined += p.name + ":" + p.value + ";";
  EXPECT_EQ(joined, "a:1;b:2;");
}

}  // namespace
}  // namespace pscgi
