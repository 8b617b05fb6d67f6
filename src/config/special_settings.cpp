#include "config/special_settings.hpp"

#include "config/listen_address.hpp"
#include "config/setting_kinds.hpp"
#include "config/units.hpp"
#include "protocol/http_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace pscgi::config {
namespace {

// Reads a list of names, each checked by `check`, refusing one given twice.
template <class Check>
std::vector<std::string> unique_names(const Field& field, std::string_view expected, Check check) {
  std::vector<std::string> names;
  for (const Field& item : field.items(expected)) {
    std::string name = item.scalar("a name");
    check(item, name);
    const auto previous = std::find(names.begin(), names.end(), name);
    if (previous != names.end()) {
      item.fail(fmt::format("\"{}\" is already item {}", name, previous - names.begin() + 1));
    }
    names.push_back(std::move(name));
  }
  return names;
}

bool is_upper_method(std::string_view name) {
  using protocol::is_digit;
  using protocol::is_upper;
  if (name.empty() || !is_upper(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return is_upper(c) || is_digit(c) || c == '-' || c == '_'; });
}

}  // namespace

Setting listen_setting(std::string path, std::string doc) {
  auto load = [](const Field& field, Config& config) {
    std::vector<ListenAddress> addresses;
    auto add = [&addresses](const Field& one) {
      ListenAddress address = one.parse("an address such as unix:/run/pscgi/pscgi.sock", parse_listen_address);
      for (std::size_t i = 0; i < addresses.size(); ++i) {
        if (same_endpoint(addresses[i], address)) {
          one.fail(fmt::format("\"{}\" is the same socket as item {}", address.text, i + 1));
        }
      }
      addresses.push_back(std::move(address));
    };
    if (!field.is_list()) {
      add(field);
    } else {
      for (const Field& item : field.items("a list of addresses")) add(item);
      if (addresses.empty()) field.fail("needs at least one address");
    }
    config.listen = std::move(addresses);
  };
  auto show = [](const Config& config) {
    std::vector<std::string> texts;
    for (const auto& address : config.listen) texts.push_back(address.text);
    return texts.size() == 1 ? yaml_scalar(texts.front()) : yaml_list(texts);
  };
  return custom_setting(std::move(path), "address, or a list of addresses",
                        "`unix:/absolute/path`, `host:port` or `[ipv6]:port`; port 1 to 65535", std::move(doc), load,
                        show);
}

Setting socket_mode_setting(std::string path, std::string doc) {
  auto load = [](const Field& field, Config& config) {
    const std::string text = field.scalar("an octal mode such as \"0660\"");
    if (field.is_plain_scalar() && !text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
      field.fail(
          fmt::format("write the mode quoted, as \"{}\": YAML reads a bare {} as a number (octal in YAML 1.1, "
                      "decimal in YAML 1.2)",
                      text, text));
    }
    config.socket_mode = field.parse("an octal mode", parse_octal_mode);
  };
  auto show = [](const Config& config) { return fmt::format("\"{}\"", format_octal_mode(config.socket_mode)); };
  return custom_setting(std::move(path), "quoted octal mode", "`\"000\"` to `\"0777\"`", std::move(doc), load, show);
}

Setting pid_file_setting(std::string path, std::string doc) {
  auto load = [](const Field& field, Config& config) {
    if (field.is_null()) {
      config.pid_file.reset();
      return;
    }
    std::string text = field.scalar("a file path");
    if (text.empty()) field.fail("must not be empty (write ~ for no pid file)");
    config.pid_file = std::move(text);
  };
  auto show = [](const Config& config) { return config.pid_file ? yaml_scalar(*config.pid_file) : std::string("~"); };
  return custom_setting(std::move(path), "file path, or `~`", "a file path; `~` for none", std::move(doc), load, show);
}

Setting pipeline_setting(std::string path, std::string doc) {
  const auto& known = known_stage_names();
  auto load = [known](const Field& field, Config& config) {
    bool seen_cache = false;
    config.stages = unique_names(field, "a list of stage names", [&](const Field& item, const std::string& name) {
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        item.fail(fmt::format("unknown stage \"{}\": the stages are {}", name, fmt::join(known, ", ")));
      }
      // Inside the cache, conditional would hand it 304s to store.
      if (name == "conditional" && seen_cache) item.fail("conditional must come before cache (it answers from what the cache sends out)");
      seen_cache = seen_cache || name == "cache";
    });
  };
  auto show = [](const Config& config) { return yaml_list(config.stages); };
  return custom_setting(std::move(path), "list of stage names",
                        fmt::format("{}; each at most once; `[]` for none", fmt::join(known, ", ")), std::move(doc),
                        load, show);
}

Setting bypass_cookies_setting(std::string path, std::string doc) {
  auto load = [](const Field& field, Config& config) {
    config.cache.bypass_cookies =
        unique_names(field, "a list of cookie names", [](const Field& item, const std::string& name) {
          if (name == "*") return;
          if (name.empty() || !std::all_of(name.begin(), name.end(), protocol::is_token_char)) {
            item.fail(fmt::format("\"{}\" is not a cookie name (letters, digits and !#$%&'*+-.^_`|~)", name));
          }
        });
  };
  auto show = [](const Config& config) { return yaml_list(config.cache.bypass_cookies); };
  return custom_setting(std::move(path), "list of cookie names", "cookie names, or `\"*\"` for any cookie; `[]`",
                        std::move(doc), load, show);
}

Setting methods_setting(std::string path, std::string doc) {
  auto load = [](const Field& field, Config& config) {
    auto methods = unique_names(field, "a list of methods", [](const Field& item, const std::string& name) {
      if (is_upper_method(name)) return;
      if (is_upper_method(protocol::to_upper(name)))
        item.fail(fmt::format("methods are case-sensitive: write {}", protocol::to_upper(name)));
      item.fail(fmt::format("\"{}\" is not a method name such as GET", name));
    });
    if (methods.empty()) field.fail("needs at least one method (to turn the cache off, set cache.enabled: false)");
    config.cache.methods = std::move(methods);
  };
  auto show = [](const Config& config) { return yaml_list(config.cache.methods); };
  return custom_setting(std::move(path), "list of methods", "upper-case method names, at least one", std::move(doc),
                        load, show);
}

Setting statuses_setting(std::string path, std::string doc) {
  auto load = [](const Field& field, Config& config) {
    std::vector<int> statuses;
    for (const Field& item : field.items("a list of status codes")) {
      const int status = static_cast<int>(item.integer(100, 599));
      const auto previous = std::find(statuses.begin(), statuses.end(), status);
      if (previous != statuses.end()) {
        item.fail(fmt::format("{} is already item {}", status, previous - statuses.begin() + 1));
      }
      statuses.push_back(status);
    }
    if (statuses.empty()) field.fail("needs at least one status (to turn the cache off, set cache.enabled: false)");
    config.cache.statuses = std::move(statuses);
  };
  auto show = [](const Config& config) { return fmt::format("[{}]", fmt::join(config.cache.statuses, ", ")); };
  return custom_setting(std::move(path), "list of status codes", "100 to 599, at least one", std::move(doc), load,
                        show);
}

Setting app_section_setting(std::string path, std::string doc) {
  Setting setting = section_setting(std::move(path), std::move(doc));
  setting.load_extra = [](const std::string& key, const Field& field, Config& config) {
    const int line = field.position().line;
    if (field.is_null()) field.fail("needs a value (write \"\" for an empty string, [] for an empty list)");
    if (!field.is_list()) {
      config.app.set(key, field.scalar("a single value or a list of values"), line);
      return;
    }
    std::vector<std::string> items;
    for (const Field& item : field.items("a list of values")) items.push_back(item.scalar("a single value"));
    config.app.set_list(key, std::move(items), line);
  };
  setting.show_extra = [](const Config& config) {
    std::vector<std::pair<std::string, std::string>> options;
    for (const auto& [key, value] : config.app.values()) {
      options.emplace_back(yaml_scalar(key), value.is_list ? yaml_list(value.items) : yaml_scalar(value.items.front()));
    }
    return options;
  };
  return setting;
}

}  // namespace pscgi::config
