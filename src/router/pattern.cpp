#include "router/pattern.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace pscgi::router {
namespace {

using Kind = Segment::Kind;

[[noreturn]] void refuse(std::string_view pattern, std::string_view problem) {
  throw std::invalid_argument(fmt::format("route pattern \"{}\": {}", pattern, problem));
}

bool is_name(std::string_view name) noexcept {
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return !name.empty() && letter(name.front()) &&
         std::all_of(name.begin(), name.end(), [&](char c) { return letter(c) || digit(c); });
}

bool is_method(std::string_view method) noexcept {
  return !method.empty() && std::all_of(method.begin(), method.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// One segment between slashes; `last` says whether it ends the pattern.
Segment parse_segment(std::string_view pattern, std::string_view text, bool last) {
  if (text.empty()) refuse(pattern, "empty segment (`//`)");
  if (text == "." || text == "..") refuse(pattern, "`.` and `..` segments never match a normalised path");
  if (text.front() != '{') {
    if (text.find_first_of("{}") != std::string_view::npos) {
      refuse(pattern, fmt::format("\"{}\": a parameter must be a whole segment", text));
    }
    return {Kind::literal, std::string(text)};
  }
  if (text.back() != '}' || text.find_first_of("{}", 1) != text.size() - 1) {
    refuse(pattern, fmt::format("\"{}\": a parameter is written {{name}}", text));
  }
  std::string_view name = text.substr(1, text.size() - 2);
  if (name == "$") {
    if (!last) refuse(pattern, "{$} must end the pattern");
    return {Kind::end_slash, ""};
  }
  const bool rest = name.size() > 3 && name.ends_with("...");
  if (rest) name.remove_suffix(3);
  if (!is_name(name)) refuse(pattern, fmt::format("\"{}\" is not a parameter name (letters, digits, _)", name));
  if (rest && !last) refuse(pattern, fmt::format("{{{}...}} must end the pattern", name));
  return {rest ? Kind::rest : Kind::param, std::string(name)};
}

std::vector<Segment> parse_path(std::string_view pattern, std::string_view path) {
  if (path.empty() || path.front() != '/') refuse(pattern, "the path must start with /");
  std::vector<Segment> segments;
  std::string_view left = path.substr(1);
  while (!left.empty()) {
    const auto slash = left.find('/');
    const std::string_view text = left.substr(0, slash);
    // `{x...}` and `{$}` must be last: not even a trailing `/` may follow them.
    segments.push_back(parse_segment(pattern, text, slash == std::string_view::npos));
    if (slash == std::string_view::npos) return segments;
    left.remove_prefix(slash + 1);
  }
  segments.push_back({Kind::rest, ""});  // a trailing `/` (or `/` alone): everything below
  return segments;
}

void refuse_repeated_names(std::string_view pattern, const std::vector<Segment>& segments) {
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].kind != Kind::param && segments[i].kind != Kind::rest) continue;
    if (segments[i].text.empty()) continue;
    for (std::size_t j = 0; j < i; ++j) {
      if (segments[j].kind != Kind::literal && segments[j].text == segments[i].text) {
        refuse(pattern, fmt::format("parameter \"{}\" is named twice", segments[i].text));
      }
    }
  }
}

// One segment of each pattern, as Go's compareSegments: rest is the most general, then a parameter,
// then a literal; `{$}` and a parameter never match the same segment.
Relation compare_segments(const Segment& a, const Segment& b) {
  if (a.kind == Kind::rest || b.kind == Kind::rest) {
    if (a.kind == b.kind) return Relation::equivalent;
    return a.kind == Kind::rest ? Relation::more_general : Relation::more_specific;
  }
  if (a.kind == Kind::param && b.kind == Kind::param) return Relation::equivalent;
  if (a.kind == Kind::param) return b.kind == Kind::end_slash ? Relation::disjoint : Relation::more_general;
  if (b.kind == Kind::param) return a.kind == Kind::end_slash ? Relation::disjoint : Relation::more_specific;
  return a.kind == b.kind && a.text == b.text ? Relation::equivalent : Relation::disjoint;
}

Relation inverse(Relation r) {
  if (r == Relation::more_specific) return Relation::more_general;
  if (r == Relation::more_general) return Relation::more_specific;
  return r;
}

// The relation of two patterns given the relation of two of their parts.
Relation combine(Relation so_far, Relation next) {
  switch (so_far) {
    case Relation::equivalent:
      return next;
    case Relation::disjoint:
      return Relation::disjoint;
    case Relation::overlaps:
      return next == Relation::disjoint ? Relation::disjoint : Relation::overlaps;
    case Relation::more_specific:
    case Relation::more_general:
      if (next == Relation::equivalent) return so_far;
      if (next == inverse(so_far)) return Relation::overlaps;
      return next;
  }
  return Relation::disjoint;
}

Relation compare_methods(std::string_view a, std::string_view b) {
  if (a == b) return Relation::equivalent;
  if (a.empty()) return Relation::more_general;
  if (b.empty()) return Relation::more_specific;
  if (a == "GET" && b == "HEAD") return Relation::more_general;
  if (a == "HEAD" && b == "GET") return Relation::more_specific;
  return Relation::disjoint;
}

}  // namespace

Pattern parse_pattern(std::string_view text) {
  Pattern pattern{std::string(text), "", {}};
  std::string_view path = text;
  if (const auto space = text.find(' '); space != std::string_view::npos) {
    const std::string_view method = text.substr(0, space);
    if (!is_method(method)) refuse(text, fmt::format("\"{}\" is not a method such as GET", method));
    pattern.method = std::string(method);
    path = text.substr(space + 1);
    while (!path.empty() && path.front() == ' ') path.remove_prefix(1);
  }
  pattern.segments = parse_path(text, path);
  refuse_repeated_names(text, pattern.segments);
  return pattern;
}

std::optional<std::string_view> match_path(const Pattern& pattern, std::string_view path, Captures& captures) {
  const std::size_t kept = captures.size();
  const auto no_match = [&]() -> std::optional<std::string_view> {
    captures.resize(kept);
    return std::nullopt;
  };
  for (const Segment& segment : pattern.segments) {
    if (path.empty() || path.front() != '/') return no_match();
    if (segment.kind == Kind::rest) {
      if (!segment.text.empty()) captures.emplace_back(segment.text, path.substr(1));
      return path.substr(1);
    }
    if (segment.kind == Kind::end_slash) return path.size() == 1 ? std::optional(path.substr(1)) : no_match();
    const std::string_view here = path.substr(1, path.find('/', 1) - 1);
    if (segment.kind == Kind::literal && here != segment.text) return no_match();
    if (segment.kind == Kind::param) {
      if (here.empty()) return no_match();
      captures.emplace_back(segment.text, here);
    }
    path.remove_prefix(1 + here.size());
  }
  return path.empty() ? std::optional(path) : no_match();
}

bool is_exact_match(const Pattern& pattern, std::string_view rest) noexcept { return !pattern.is_subtree() || rest.empty(); }

bool accepts_method(const Pattern& pattern, std::string_view method) noexcept {
  return pattern.method.empty() || pattern.method == method || (pattern.method == "GET" && method == "HEAD");
}

Relation compare_paths(const Pattern& a, const Pattern& b) {
  const auto& sa = a.segments;
  const auto& sb = b.segments;
  if (sa.size() != sb.size() && !a.is_subtree() && !b.is_subtree()) return Relation::disjoint;
  Relation relation = Relation::equivalent;
  const std::size_t common = std::min(sa.size(), sb.size());
  for (std::size_t i = 0; i < common; ++i) {
    relation = combine(relation, compare_segments(sa[i], sb[i]));
    if (relation == Relation::disjoint) return relation;
  }
  if (sa.size() == sb.size()) return relation;
  // The shorter one must end in a rest segment, which then also covers the longer one's tail.
  if (sa.size() < sb.size() && a.is_subtree()) return combine(relation, Relation::more_general);
  if (sb.size() < sa.size() && b.is_subtree()) return combine(relation, Relation::more_specific);
  return Relation::disjoint;
}

Relation compare(const Pattern& a, const Pattern& b) {
  const Relation methods = compare_methods(a.method, b.method);
  if (methods == Relation::disjoint) return methods;
  return combine(methods, compare_paths(a, b));
}

}  // namespace pscgi::router
