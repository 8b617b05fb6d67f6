#include "router/pattern.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace pscgi::router {
namespace {

using ::testing::HasSubstr;

std::string parse_error(std::string_view text) {
  try {
    parse_pattern(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

// "name=value,..." of a match, or "no match".
std::string match(std::string_view pattern, std::string_view path) {
  Captures captures;
  const Pattern parsed = parse_pattern(pattern);  // the captures' names point into it
  const auto rest = match_path(parsed, path, captures);
  if (!rest) return "no match";
  std::string out;
  for (const auto& [name, value] : captures) out += std::string(name) + "=" + std::string(value) + ",";
  return out;
}

Relation relation(std::string_view a, std::string_view b) { return compare(parse_pattern(a), parse_pattern(b)); }

TEST(PatternTest, ParsesMethodAndSegments) {
  const Pattern p = parse_pattern("GET /users/{id}/files/{path...}");
  EXPECT_EQ(p.method, "GET");
  ASSERT_EQ(p.segments.size(), 4u);
  EXPECT_EQ(p.segments[0].kind, Segment::Kind::literal);
  EXPECT_EQ(p.segments[1].kind, Segment::Kind::param);
  EXPECT_EQ(p.segments[1].text, "id");
  EXPECT_EQ(p.segments[3].kind, Segment::Kind::rest);
  EXPECT_TRUE(p.is_subtree());
  EXPECT_EQ(parse_pattern("/a/").segments.back().kind, Segment::Kind::rest);
  EXPECT_EQ(parse_pattern("/a/{$}").segments.back().kind, Segment::Kind::end_slash);
  EXPECT_TRUE(parse_pattern("/").is_subtree());
  EXPECT_TRUE(parse_pattern("/a").method.empty());
}

TEST(PatternTest, RefusesMalformedPatterns) {
  EXPECT_THAT(parse_error("users"), HasSubstr("the path must start with /"));
  EXPECT_THAT(parse_error("get /a"), HasSubstr("\"get\" is not a method"));
  EXPECT_THAT(parse_error("/a//b"), HasSubstr("empty segment"));
  EXPECT_THAT(parse_error("/a/../b"), HasSubstr("`.` and `..`"));
  EXPECT_THAT(parse_error("/a{id}"), HasSubstr("a parameter must be a whole segment"));
  EXPECT_THAT(parse_error("/{}"), HasSubstr("\"\" is not a parameter name"));
  EXPECT_THAT(parse_error("/{a-b}"), HasSubstr("\"a-b\" is not a parameter name"));
  EXPECT_THAT(parse_error("/{a}x"), HasSubstr("a parameter is written {name}"));
  EXPECT_THAT(parse_error("/{rest...}/x"), HasSubstr("{rest...} must end the pattern"));
  EXPECT_THAT(parse_error("/{rest...}/"), HasSubstr("{rest...} must end the pattern"));
  EXPECT_THAT(parse_error("/{$}/x"), HasSubstr("{$} must end the pattern"));
  EXPECT_THAT(parse_error("/{id}/{id}"), HasSubstr("parameter \"id\" is named twice"));
  EXPECT_THAT(parse_error("/x/{id}"), Not(HasSubstr("twice")));
}

TEST(PatternTest, MatchesLiteralsExactly) {
  EXPECT_EQ(match("/users", "/users"), "");
  EXPECT_EQ(match("/users", "/users/"), "no match");
  EXPECT_EQ(match("/users", "/Users"), "no match");
  EXPECT_EQ(match("/users", "/users/1"), "no match");
  EXPECT_EQ(match("/users/new", "/users/new"), "");
}

TEST(PatternTest, ParametersTakeOneNonEmptySegment) {
  EXPECT_EQ(match("/users/{id}", "/users/42"), "id=42,");
  EXPECT_EQ(match("/users/{id}", "/users/"), "no match");
  EXPECT_EQ(match("/users/{id}", "/users/42/x"), "no match");
  EXPECT_EQ(match("/{a}/{b}", "/x/y"), "a=x,b=y,");
  EXPECT_EQ(match("/{a}/{b}", "//y"), "no match");
}

TEST(PatternTest, RestTakesWhatIsLeftAfterASlash) {
  EXPECT_EQ(match("/files/{path...}", "/files/a/b.txt"), "path=a/b.txt,");
  EXPECT_EQ(match("/files/{path...}", "/files/"), "path=,");
  EXPECT_EQ(match("/files/{path...}", "/files"), "no match");
  EXPECT_EQ(match("/static/", "/static/css/site.css"), "");
  EXPECT_EQ(match("/static/", "/static"), "no match");
  EXPECT_EQ(match("/", "/anything/at/all"), "");
}

TEST(PatternTest, EndSlashMatchesOnlyTheTrailingSlash) {
  EXPECT_EQ(match("/{$}", "/"), "");
  EXPECT_EQ(match("/{$}", "/a"), "no match");
  EXPECT_EQ(match("/docs/{$}", "/docs/"), "");
  EXPECT_EQ(match("/docs/{$}", "/docs/a"), "no match");
  EXPECT_EQ(match("/docs/{$}", "/docs"), "no match");
}

TEST(PatternTest, AFailedMatchLeavesNoCaptures) {
  Captures captures{{"kept", "1"}};
  EXPECT_FALSE(match_path(parse_pattern("/{a}/b"), "/x/c", captures));
  ASSERT_EQ(captures.size(), 1u);
  EXPECT_EQ(captures[0].first, "kept");
}

TEST(PatternTest, ExactMatchesAreThoseWithoutARest) {
  Captures c;
  const Pattern subtree = parse_pattern("/docs/");
  EXPECT_TRUE(is_exact_match(subtree, *match_path(subtree, "/docs/", c)));
  EXPECT_FALSE(is_exact_match(subtree, *match_path(subtree, "/docs/a", c)));
  const Pattern plain = parse_pattern("/docs");
  EXPECT_TRUE(is_exact_match(plain, *match_path(plain, "/docs", c)));
}

TEST(PatternTest, MethodsMatchAndGetTakesHead) {
  EXPECT_TRUE(accepts_method(parse_pattern("/a"), "DELETE"));
  EXPECT_TRUE(accepts_method(parse_pattern("GET /a"), "GET"));
  EXPECT_TRUE(accepts_method(parse_pattern("GET /a"), "HEAD"));
  EXPECT_FALSE(accepts_method(parse_pattern("GET /a"), "POST"));
  EXPECT_FALSE(accepts_method(parse_pattern("HEAD /a"), "GET"));
}

TEST(PatternTest, ComparesByWhatTheyMatch) {
  EXPECT_EQ(relation("/users/new", "/users/{id}"), Relation::more_specific);
  EXPECT_EQ(relation("/users/{id}", "/users/"), Relation::more_specific);
  EXPECT_EQ(relation("/users/", "/users/{id}"), Relation::more_general);
  EXPECT_EQ(relation("/", "/a/b/c"), Relation::more_general);
  EXPECT_EQ(relation("/users/{id}", "/users/{name}"), Relation::equivalent);
  EXPECT_EQ(relation("/a/{x}", "/{y}/b"), Relation::overlaps);
  EXPECT_EQ(relation("/a", "/b"), Relation::disjoint);
  EXPECT_EQ(relation("/a", "/a/"), Relation::disjoint);
  EXPECT_EQ(relation("/a/{x}", "/a/{$}"), Relation::disjoint);
  EXPECT_EQ(relation("/a/{$}", "/a/"), Relation::more_specific);
  EXPECT_EQ(relation("/a/{rest...}", "/a/"), Relation::equivalent);
  EXPECT_EQ(relation("/a/b/{x...}", "/a/{y}/"), Relation::more_specific);
}

TEST(PatternTest, ComparesMethodsAsGoDoes) {
  EXPECT_EQ(relation("GET /a", "/a"), Relation::more_specific);
  EXPECT_EQ(relation("GET /a", "POST /a"), Relation::disjoint);
  EXPECT_EQ(relation("HEAD /a", "GET /a"), Relation::more_specific);
  EXPECT_EQ(relation("GET /a", "GET /a"), Relation::equivalent);
  EXPECT_EQ(relation("GET /a/b", "/a/{x}"), Relation::more_specific);
  // More specific in the path, more general in the method: neither wins.
  EXPECT_EQ(relation("/a/b", "GET /a/{x}"), Relation::overlaps);
  EXPECT_EQ(relation("POST /a/b", "GET /a/{x}"), Relation::disjoint);
}

}  // namespace
}  // namespace pscgi::router
