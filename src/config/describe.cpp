// describe_config() and render_config_reference(): the settings table read the other way, from a
// Config to text.
#include "config/config.hpp"
#include "config/settings.hpp"

#include <fmt/format.h>

namespace pscgi::config {
namespace {

std::vector<const Setting*> children_of(std::string_view parent) {
  std::vector<const Setting*> children;
  for (const auto& setting : settings_table()) {
    if (parent_path(setting.path) == parent) children.push_back(&setting);
  }
  return children;
}

// YAML limits an implicit key (`key: value`) to 1024 characters. An app option's name can be longer
// once describe has quoted and escaped it: such a key is written as an explicit one (`? key`), so
// that the description still loads back.
void describe_option(std::string_view key, std::string_view value, std::string& out) {
  constexpr std::size_t longest_implicit_key = 1000;
  if (key.size() <= longest_implicit_key) {
    out += fmt::format("  {}: {}\n", key, value);
  } else {
    out += fmt::format("  ? {}\n  : {}\n", key, value);
  }
}

void describe_section(const Setting& section, const Config& config, std::string& out) {
  out += fmt::format("{}:\n", section.path);
  for (const Setting* child : children_of(section.path)) {
    if (child->shown && !child->shown(config)) continue;
    out += fmt::format("  {}: {}\n", leaf_name(child->path), child->show(config));
  }
  if (section.show_extra) {
    for (const auto& [key, value] : section.show_extra(config)) describe_option(key, value, out);
  }
}

void render_summary(const Config& defaults, std::string& out) {
  out += "## Summary\n\n| Key | Type | Default |\n| --- | --- | --- |\n";
  for (const auto& setting : settings_table()) {
    if (setting.kind != SettingKind::value) continue;
    out += fmt::format("| `{}` | {} | `{}` |\n", setting.path, setting.type, setting.show(defaults));
  }
}

void render_entry(const Setting& setting, const Config& defaults, std::string& out) {
  if (setting.kind == SettingKind::section) {
    out += fmt::format("\n## `{}`\n\n{}\n", setting.path, setting.doc);
    return;
  }
  out += fmt::format("\n### `{}`\n\n", setting.path);
  out += fmt::format("- Type: {}\n", setting.type);
  out += fmt::format("- Default: `{}`{}\n", setting.show(defaults),
                     setting.required ? fmt::format(" (required when `{}` is given)", parent_path(setting.path)) : "");
  out += fmt::format("- Allowed: {}\n\n{}\n", setting.allowed, setting.doc);
}

}  // namespace

std::string describe_config(const Config& config) {
  std::string out;
  if (!config.source.empty()) out += fmt::format("# effective configuration of {}\n", config.source);
  for (const Setting* setting : children_of("")) {
    if (setting->kind == SettingKind::section) {
      if (!setting->shown || setting->shown(config)) describe_section(*setting, config, out);
    } else if (!setting->shown || setting->shown(config)) {
      out += fmt::format("{}: {}\n", setting->path, setting->show(config));
    }
  }
  return out;
}

std::string render_config_reference() {
  const Config defaults = default_config();
  std::string out;
  render_summary(defaults, out);
  bool top_level_heading = false;
  for (const auto& setting : settings_table()) {
    if (!top_level_heading && parent_path(setting.path).empty() && setting.kind == SettingKind::value) {
      out += "\n## Top-level keys\n";
      top_level_heading = true;
    }
    render_entry(setting, defaults, out);
  }
  return out;
}

}  // namespace pscgi::config
