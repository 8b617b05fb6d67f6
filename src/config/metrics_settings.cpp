#include "config/metrics_settings.hpp"

#include "config/setting_kinds.hpp"
#include "metrics/allow_list.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace pscgi::config {
namespace {

MetricsSettings& turned_on(Config& config) {
  if (!config.metrics) config.metrics.emplace();
  return *config.metrics;
}

// The defaults when the section is absent, for the reference's "Default:".
const MetricsSettings& shown(const Config& config) {
  static const MetricsSettings defaults;
  return config.metrics ? *config.metrics : defaults;
}

Setting path_setting() {
  auto load = [](const Field& field, Config& config) {
    std::string path = field.scalar("a path such as /_pscgi/metrics");
    if (path.empty() || path.front() != '/') field.fail(fmt::format("must start with '/', got \"{}\"", path));
    if (path.find_first_of("?# \t") != std::string::npos) field.fail("must be a plain path (no query, fragment or spaces)");
    turned_on(config).path = std::move(path);
  };
  auto show = [](const Config& config) { return yaml_scalar(shown(config).path); };
  return custom_setting("metrics.path", "path", "a path starting with `/`",
                        "Where the Prometheus text is answered; the same figures as JSON are at this path followed "
                        "by `.json`. Every worker answers it from the scoreboard, before the cache. Let nginx pass "
                        "it to pscgi like any other path (and keep it from the public with `metrics.allow`, or with "
                        "an nginx `location` of its own).",
                        load, show);
}

Setting allow_setting() {
  auto load = [](const Field& field, Config& config) {
    std::vector<std::string> entries;
    for (const Field& item : field.items("a list of addresses, CIDR prefixes or unix")) {
      std::string entry = item.scalar("an address, a CIDR prefix or unix");
      try {
        metrics::AllowList::check_entry(entry);
      } catch (const std::invalid_argument& e) {
        item.fail(e.what());
      }
      entries.push_back(std::move(entry));
    }
    turned_on(config).allow = std::move(entries);
  };
  auto show = [](const Config& config) { return yaml_list(shown(config).allow); };
  return custom_setting("metrics.allow", "list of addresses",
                        "IPv4 or IPv6 addresses, CIDR prefixes (`10.0.0.0/8`, `\"fd00::/8\"`), `unix`; `[]` for "
                        "nobody",
                        "Who may read the metrics, by the `REMOTE_ADDR` nginx passes (the address of the HTTP "
                        "client). `unix` is a client that sends no `REMOTE_ADDR`: a local tool talking SCGI to the "
                        "socket, such as `pscgi status`. Quote IPv6 entries. Anyone else gets 403 and a warning in "
                        "the error log.",
                        load, show);
}

}  // namespace

std::vector<Setting> metrics_settings() {
  Setting section = section_setting(
      "metrics",
      "Prometheus metrics from the scoreboard (docs/operations.md, \"Metrics\"). Off unless this section is "
      "given; `metrics: {}` turns them on with the defaults below. The `metrics` stage must be in `pipeline` "
      "(the default pipeline has it).");
  section.load = [](const Field&, Config& config) { turned_on(config); };
  section.shown = [](const Config& config) { return config.metrics.has_value(); };
  return {std::move(section), path_setting(), allow_setting()};
}

std::vector<Relation> metrics_relations() {
  return {
      {"metrics", "pipeline",
       [](const Config& c, const GivenKeys&) -> std::optional<std::string> {
         if (!c.metrics) return std::nullopt;
         const auto metrics = std::find(c.stages.begin(), c.stages.end(), "metrics");
         if (metrics == c.stages.end()) return "metrics is set but `pipeline` has no metrics stage: add it (before cache)";
         const auto cache = std::find(c.stages.begin(), c.stages.end(), "cache");
         if (cache < metrics) return "the metrics stage must come before cache in `pipeline` (the cache must never see it)";
         return std::nullopt;
       }},
  };
}

}  // namespace pscgi::config
