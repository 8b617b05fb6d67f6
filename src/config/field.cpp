#include "config/field.hpp"

#include <fmt/format.h>


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
  return parse("an integer", [lo, hi](std::string_view text) { return parse_integer(text, lo, hi); });
}

bool Field::boolean() const { return parse("true or false", parse_boolean); }

}  // namespace pscgi::config
