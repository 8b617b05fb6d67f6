#include "config/yaml_loader.hpp"

#include "config/settings.hpp"
#include "config/yaml_documents.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <numeric>
#include <utility>

namespace pscgi::config {
namespace {

std::string line_at(const std::string& text, int zero_based_line) {
  std::size_t start = 0;
  for (int i = 0; i < zero_based_line && start != std::string::npos; ++i) {
    start = text.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos || start > text.size()) return {};
  return text.substr(start, text.find('\n', start) - start);
}

// yaml-cpp's messages are terse; these are the mistakes a pscgi.yaml is likely to contain.
std::string syntax_hint(const std::string& message, const std::string& line) {
  if (line.find("[") != std::string::npos && line.find("]:") != std::string::npos) {
    return " (an IPv6 listen address must be quoted: listen: \"[::1]:4000\")";
  }
  if (message.find("alias") != std::string::npos) return " (a lone * must be quoted: \"*\")";
  if (line.find('\t') != std::string::npos) return " (indent with spaces, not tabs)";
  return "";
}

class Loader {
 public:
  explicit Loader(const std::string& source) : source_(source) {}

  LoadedConfig run(const std::string& text) {
    const YAML::Node root = parse(text);
    LoadedConfig loaded{default_config(), {}};
    loaded.config.source = source_;
    load_map(root, "", loaded.config);
    // The app reads its own keys later, in its factory: tell it the file, and the section's line for
    // "required" messages.
    const auto app_at = positions_.find("app");
    loaded.config.app.set_origin(source_, app_at == positions_.end() ? 0 : app_at->second.line);
    check_relations(loaded.config);
    loaded.positions = std::move(positions_);
    return loaded;
  }

 private:
  [[noreturn]] void fail(Position where, std::string_view path, std::string_view message) const {
    throw ConfigError(format_error(source_, where, path, message));
  }

  YAML::Node parse(const std::string& text) const {
    std::optional<SecondDocument> second;
    YAML::Node root;
    try {
      second = find_second_document(text);  // not YAML::LoadAll: see yaml_documents.hpp
      if (!second || !second->stuck) root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      fail(position_of(e.mark), "",
           fmt::format("YAML syntax error: {}{}", e.msg, syntax_hint(e.msg, line_at(text, e.mark.line))));
    }
    if (second && second->stuck) {
      fail(position_of(second->mark), "", "YAML syntax error: cannot read on from here (a ',' outside [ ] or { }?)");
    }
    if (root.IsNull()) {
      fail({}, "",
           "the file has no settings (an empty file is refused so that a wrong path or a truncated file "
           "is noticed); see docs/configuration.md");
    }
    if (second) fail(position_of(second->mark), "", "only one YAML document is allowed");
    if (!root.IsMap()) {
      fail(position_of(root.Mark()), "", fmt::format("expected a map of settings, got {}", describe_node(root)));
    }
    return root;
  }

  void load_map(const YAML::Node& map, const std::string& prefix, Config& config) {
    const Setting* section = prefix.empty() ? nullptr : find_setting(prefix);
    // yaml-cpp's map iterator yields a temporary pair: hold the nodes by value, not by reference.
    for (const auto& entry : map) {
      const YAML::Node key_node = entry.first;
      const YAML::Node value = entry.second;
      const Position key_at = position_of(key_node.Mark());
      if (!key_node.IsScalar())
        fail(key_at, prefix, fmt::format("expected a key name, got {}", describe_node(key_node)));
      const std::string key = key_node.Scalar();
      const std::string path = prefix.empty() ? key : prefix + "." + key;
      if (const auto seen = positions_.find(path); seen != positions_.end()) {
        fail(key_at, path, fmt::format("given twice (first on line {})", seen->second.line));
      }
      positions_[path] = key_at;
      // An empty value has no position of its own (yaml-cpp marks the next token): use the key's.
      const Position value_at = value.IsNull() ? key_at : position_of(value.Mark());
      const Setting* setting = find_setting(path);
      if (setting != nullptr && parent_path(setting->path) == prefix) {
        if (setting->kind == SettingKind::value) {
          setting->load(Field(value, path, value_at, source_), config);
        } else if (value.IsMap()) {
          if (setting->load) setting->load(Field(value, path, value_at, source_), config);
          load_map(value, path, config);
        } else {
          fail(value_at, path, fmt::format("expected a map of settings, got {}", describe_node(value)));
        }
      } else if (section != nullptr && section->load_extra) {
        // At the key: the app names a key's line in its own messages, and a list's items start below it.
        section->load_extra(key, Field(value, path, key_at, source_), config);
      } else {
        fail(key_at, path, unknown_key_message(prefix, key));
      }
    }
    check_required(prefix);
  }

  void check_required(const std::string& prefix) const {
    if (prefix.empty()) return;
    for (const auto& setting : settings_table()) {
      if (setting.required && parent_path(setting.path) == prefix && !positions_.contains(setting.path)) {
        fail(positions_.at(prefix), setting.path, fmt::format("is required whenever {} is given", prefix));
      }
    }
  }

  void check_relations(const Config& config) const {
    const GivenKeys given = [this](std::string_view path) { return positions_.contains(std::string(path)); };
    for (const auto& relation : settings_relations()) {
      const auto problem = relation.problem(config, given);
      if (!problem) continue;
      const std::string& path = blamed_key(relation);
      const auto where = positions_.find(path);
      fail(where == positions_.end() ? Position{} : where->second, path, *problem);
    }
  }

  // The key of the two that the file gives, or the later one when it gives both.
  const std::string& blamed_key(const Relation& relation) const {
    const auto path_at = positions_.find(relation.path);
    const auto other_at = positions_.find(relation.other);
    if (other_at == positions_.end()) return relation.path;
    if (path_at == positions_.end()) return relation.other;
    const auto order = [](Position p) { return std::pair(p.line, p.column); };
    return order(other_at->second) > order(path_at->second) ? relation.other : relation.path;
  }

  std::string unknown_key_message(const std::string& prefix, const std::string& key) const;

  const std::string& source_;
  std::map<std::string, Position> positions_;
};

std::string Loader::unknown_key_message(const std::string& prefix, const std::string& key) const {
  const std::string path = prefix.empty() ? key : prefix + "." + key;
  if (const Setting* flat = find_setting(path); flat != nullptr) {
    return fmt::format("unknown key: nest it, as {}: {{{}: ...}}", parent_path(flat->path), leaf_name(flat->path));
  }
  std::vector<std::string> siblings;
  const Setting* closest = nullptr;
  std::size_t closest_distance = key.size() <= 4 ? 2 : 3;
  for (const auto& setting : settings_table()) {
    if (parent_path(setting.path) != prefix) continue;
    siblings.emplace_back(leaf_name(setting.path));
    const std::size_t distance = edit_distance(key, leaf_name(setting.path));
    if (distance < closest_distance) {
      closest = &setting;
      closest_distance = distance;
    }
  }
  if (closest != nullptr) return fmt::format("unknown key (did you mean {}?)", closest->path);
  for (const auto& setting : settings_table()) {
    if (leaf_name(setting.path) == key) return fmt::format("unknown key (did you mean {}?)", setting.path);
  }
  return fmt::format("unknown key; the keys {} are {}", prefix.empty() ? "at the top level" : "of " + prefix,
                     fmt::join(siblings, ", "));
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // One row of the Levenshtein table at a time; names are short.
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

LoadedConfig load_yaml(const std::string& text, const std::string& source) {
  try {
    return Loader(source).run(text);
  } catch (const YAML::Exception& e) {
    // The walk only reads nodes it has checked, so this is a bug or a yaml-cpp surprise; still say where.
    throw ConfigError(format_error(source, position_of(e.mark), "", e.msg));
  }
}

Config load_config_text(const std::string& yaml_text, const std::string& source) {
  return load_yaml(yaml_text, source).config;
}

Config load_config_file(const std::string& path) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw ConfigError(format_error(path, {}, "", fmt::format("cannot open: {}", std::strerror(errno))));
  std::string text;
  char buffer[8192];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, n);
  if (std::ferror(file.get())) {
    throw ConfigError(format_error(path, {}, "", fmt::format("cannot read: {}", std::strerror(errno))));
  }
  return load_yaml(text, path).config;
}

}  // namespace pscgi::config
