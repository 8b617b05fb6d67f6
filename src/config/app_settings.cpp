// AppSettings: the app's own keys, converted on demand with the same value syntax and the same
// messages as the rest of the config (src/config/units.*), since the app reads them after the
// YAML walk, in its factory.
#include <pscgi/app_settings.hpp>

#include "config/units.hpp"

#include <fmt/format.h>

#include <utility>

namespace pscgi {

AppSettings::AppSettings(std::string app_type, std::map<std::string, std::string> scalars)
    : type(std::move(app_type)) {
  for (auto& [key, value] : scalars) set(key, std::move(value));
}

void AppSettings::set_origin(std::string source, int line) {
  source_ = std::move(source);
  line_ = line;
}

void AppSettings::set(std::string key, std::string value, int line) {
  values_[std::move(key)] = AppValue{{std::move(value)}, false, line};
}

void AppSettings::set_list(std::string key, std::vector<std::string> items, int line) {
  values_[std::move(key)] = AppValue{std::move(items), true, line};
}

bool AppSettings::has(std::string_view key) const { return values_.find(key) != values_.end(); }

const AppValue* AppSettings::find(std::string_view key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) return nullptr;
  read_.emplace(key);
  return &it->second;
}

void AppSettings::fail(std::string_view key, int line, std::string_view problem) const {
  const std::string where = line > 0 ? fmt::format("{}:{}", source_, line) : source_;
  throw AppSettingError(fmt::format("{}: app.{}: {}", where, key, problem));
}

const AppValue* AppSettings::scalar(std::string_view key, bool has_fallback) const {
  const AppValue* value = find(key);
  if (value == nullptr) {
    if (has_fallback) return nullptr;
    fail(key, line_, "required");
  }
  if (value->is_list) fail(key, value->line, "expected a single value, got a list");
  return value;
}

std::string AppSettings::text(std::string_view key, std::optional<std::string> fallback) const {
  const AppValue* value = scalar(key, fallback.has_value());
  return value ? value->items.front() : std::move(*fallback);
}

// Each converter below reports the parser's message (which names the value) at the key's line.

std::int64_t AppSettings::integer(std::string_view key, std::optional<std::int64_t> fallback, std::int64_t lo,
                                  std::int64_t hi) const {
  const AppValue* value = scalar(key, fallback.has_value());
  if (!value) return *fallback;
  try {
    return config::parse_integer(value->items.front(), lo, hi);
  } catch (const std::invalid_argument& e) {
    fail(key, value->line, e.what());
  }
}

std::chrono::milliseconds AppSettings::duration(std::string_view key,
                                                std::optional<std::chrono::milliseconds> fallback) const {
  const AppValue* value = scalar(key, fallback.has_value());
  if (!value) return *fallback;
  try {
    return config::parse_duration(value->items.front());
  } catch (const std::invalid_argument& e) {
    fail(key, value->line, e.what());
  }
}

std::uint64_t AppSettings::size(std::string_view key, std::optional<std::uint64_t> fallback) const {
  const AppValue* value = scalar(key, fallback.has_value());
  if (!value) return *fallback;
  try {
    return config::parse_size(value->items.front());
  } catch (const std::invalid_argument& e) {
    fail(key, value->line, e.what());
  }
}

bool AppSettings::boolean(std::string_view key, std::optional<bool> fallback) const {
  const AppValue* value = scalar(key, fallback.has_value());
  if (!value) return *fallback;
  try {
    return config::parse_boolean(value->items.front());
  } catch (const std::invalid_argument& e) {
    fail(key, value->line, e.what());
  }
}

std::vector<std::string> AppSettings::list(std::string_view key,
                                           std::optional<std::vector<std::string>> fallback) const {
  const AppValue* value = find(key);
  if (value != nullptr) return value->items;
  if (!fallback) fail(key, line_, "required");
  return std::move(*fallback);
}

void AppSettings::refuse(std::string_view key, std::string_view problem) const {
  const auto it = values_.find(key);
  fail(key, it == values_.end() ? line_ : it->second.line, problem);
}

void AppSettings::refuse_unknown() const {
  for (const auto& [key, value] : values_) {
    if (!read_.contains(key)) fail(key, value.line, "unknown option");
  }
}

}  // namespace pscgi
