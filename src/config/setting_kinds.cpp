#include "config/setting_kinds.hpp"

#include "protocol/http_fields.hpp"

#include <fmt/format.h>

#include <initializer_list>
#include <string>

namespace pscgi::config {
namespace {

bool is_plain_char(char c, bool first) {
  if (protocol::is_alnum(c)) return true;
  if (c == '/' || c == '_' || c == '.') return true;
  return !first && (c == ':' || c == '@' || c == '+' || c == '=' || c == '-');
}

// Plain scalars that YAML 1.1 or 1.2 readers take for null or a boolean; pscgi reads them as text,
// but describe_config() output should mean the same to any reader.
bool is_reserved_word(std::string_view text) {
  const std::string lower = protocol::to_lower(text);
  for (std::string_view word : {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}) {
    if (lower == word) return true;
  }
  return false;
}

}  // namespace

std::string yaml_scalar(std::string_view text) {
  bool plain = !text.empty() && !is_reserved_word(text);
  for (std::size_t i = 0; plain && i < text.size(); ++i) plain = is_plain_char(text[i], i == 0);
  if (plain) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string yaml_list(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const auto& item : items) quoted.push_back(yaml_scalar(item));
  return fmt::format("[{}]", fmt::join(quoted, ", "));
}

Setting section_setting(std::string path, std::string doc) {
  Setting setting;
  setting.path = std::move(path);
  setting.kind = SettingKind::section;
  setting.type = "map";
  setting.doc = std::move(doc);
  return setting;
}

Setting custom_setting(std::string path, std::string type, std::string allowed, std::string doc, Setting::Load load,
                       Setting::Show show) {
  Setting setting;
  setting.path = std::move(path);
  setting.kind = SettingKind::value;
  setting.type = std::move(type);
  setting.allowed = std::move(allowed);
  setting.doc = std::move(doc);
  setting.load = std::move(load);
  setting.show = std::move(show);
  return setting;
}

}  // namespace pscgi::config
