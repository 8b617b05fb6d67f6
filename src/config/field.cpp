#include "config/field.hpp"

#include <fmt/format.h>

#include <charconv>
#include <limits>

namespace pscgi::config {

Position position_of(const YAML::Mark& mark) noexcept {
  if (mark.line < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

std::string format_error(std::string_view source, Position where, std::string_view path, std::string_view message) {
  std::string out(source);
  if (where.line > 0) out += fmt::format(":{}", where.line);
  if (where.line > 0 && where.column > 0) out += fmt::format(":{}", where.column);
  out += ": ";
  if (!path.empty()) out += fmt::format("{}: ", path);
  out += message;
  return out;
}

std::string describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return fmt::format("\"{}\"", node.Scalar());
    default:
      return "nothing";
  }
}

std::string range_message(std::string_view lo, std::string_view hi, bool unbounded, std::string_view got) {
  if (unbounded) return fmt::format("must be at least {}, got {}", lo, got);
  return fmt::format("must be between {} and {}, got {}", lo, hi, got);
}

Field::Field(YAML::Node node, std::string path, Position where, const std::string& source)
    : node_(std::move(node)), path_(std::move(path)), where_(where), source_(&source) {}

void Field::fail(std::string_view message) const {
  throw ConfigError(format_error(*source_, where_, path_, item_ + std::string(message)));
}

std::string Field::scalar(std::string_view expected) const {
  if (!node_.IsScalar()) fail(fmt::format("expected {}, got {}", expected, describe_node(node_)));
  return node_.Scalar();
}

std::vector<Field> Field::items(std::string_view expected) const {
  if (!node_.IsSequence()) fail(fmt::format("expected {}, got {}", expected, describe_node(node_)));
  std::vector<Field> out;
  std::size_t index = 0;
  for (const auto& item : node_) {
    ++index;
    // An empty item (`- `) has no mark of its own; the list's is the closest.
    const Position where = item.IsNull() ? where_ : position_of(item.Mark());
    Field field(item, path_, where, *source_);
    field.item_ = fmt::format("item {}: ", index);
    out.push_back(std::move(field));
  }
  return out;
}

std::int64_t Field::integer(std::int64_t lo, std::int64_t hi) const {
  const std::string text = scalar("an integer");
  const bool negative = !text.empty() && text.front() == '-';
  const std::string_view digits = std::string_view(text).substr(negative ? 1 : 0);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    fail(fmt::format("expected an integer, got \"{}\"", text));
  }
  if (digits.size() > 1 && digits.front() == '0') {
    const auto first = digits.find_first_not_of('0');
    const std::string_view plain = first == std::string_view::npos ? "0" : digits.substr(first);
    fail(fmt::format("\"{}\" has a leading zero, which some YAML readers take for octal: write {}", text, plain));
  }
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool unbounded = hi == std::numeric_limits<std::int64_t>::max();
  if (ec != std::errc() || end != text.data() + text.size() || value < lo || value > hi) {
    fail(range_message(std::to_string(lo), std::to_string(hi), unbounded, text));
  }
  return value;
}

bool Field::boolean() const {
  const std::string text = scalar("true or false");
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  fail(fmt::format("expected true or false, got \"{}\"", text));
}

}  // namespace pscgi::config
