#pragma once
// One route pattern (`GET /users/{id}`), parsed once, matched against paths, and compared with
// another pattern for precedence and conflicts. The rules are Go 1.22's net/http patterns
// (src/net/http/pattern.go), without hosts; include/pscgi/router.hpp states them for users.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pscgi::router {

struct Segment {
  enum class Kind {
    literal,   ///< `users`: exactly this text
    param,     ///< `{id}`: one non-empty segment
    rest,      ///< `{path...}` or a trailing `/`: the rest of the path after a `/`, maybe empty
    end_slash, ///< `{$}`: the path ends here, with a `/`
  };
  Kind kind = Kind::literal;
  std::string text;  ///< the literal, or the parameter's name ("" for a trailing `/`)
};

struct Pattern {
  std::string text;    ///< as written, for messages
  std::string method;  ///< "" for every method
  std::vector<Segment> segments;

  /// Whether the pattern matches paths below it (it ends in a rest segment).
  bool is_subtree() const noexcept { return !segments.empty() && segments.back().kind == Segment::Kind::rest; }
};

/// Parses `[METHOD ]/path`. Throws std::invalid_argument naming the pattern and the problem: no
/// leading `/`, an empty `{}`, a bad name, a name used twice, `{x...}` or `{$}` not last, `{` inside a
/// segment (`/a{b}`), a method that is not an upper-case token.
Pattern parse_pattern(std::string_view text);

using Captures = std::vector<std::pair<std::string_view, std::string_view>>;

/// Whether `path` matches the pattern's path (the method is not looked at). On a match, appends the
/// parameters (views into `path` and into the pattern) to `captures` and returns what a subtree
/// pattern's rest segment took (after its `/`, maybe empty; empty for other patterns).
std::optional<std::string_view> match_path(const Pattern& pattern, std::string_view path, Captures& captures);

/// A match that used none of the path beyond the pattern's own segments: any pattern but a subtree
/// one whose rest is non-empty. Only exact matches are worth a redirect to the path with a `/`.
bool is_exact_match(const Pattern& pattern, std::string_view rest) noexcept;

/// Whether the pattern accepts `method` (`GET` accepts `HEAD`; no method accepts all).
bool accepts_method(const Pattern& pattern, std::string_view method) noexcept;

/// How the sets of requests two patterns match relate.
enum class Relation {
  equivalent,     ///< the same requests
  more_specific,  ///< the first's requests are a strict subset of the second's
  more_general,   ///< the other way round
  overlaps,       ///< some in common, neither inside the other: a conflict
  disjoint,       ///< none in common
};

/// Compares the paths only.
Relation compare_paths(const Pattern& a, const Pattern& b);
/// Compares methods and paths: the relation the router uses for precedence and conflicts.
Relation compare(const Pattern& a, const Pattern& b);

}  // namespace pscgi::router
