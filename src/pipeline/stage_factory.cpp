#include "pipeline/stage_factory.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace pscgi::pipeline {
namespace {

StagePtr make_stage(const std::string& name, const config::Config& config, const StageDependencies& dependencies) {
  if (const StageEntry* entry = find_stage(name)) return entry->make(config, dependencies);
  throw config::ConfigError(fmt::format("{}: pipeline: unknown stage '{}'", config.source, name));
}

AppPtr make_app(const config::Config& config, const AppRegistry& apps) {
  const AppFactory* factory = apps.find(config.app.type);
  if (factory == nullptr) {
    std::string known;
    for (const auto& [type, unused] : apps.all()) known += (known.empty() ? "" : ", ") + type;
    throw config::ConfigError(fmt::format("{}: app.type: unknown app '{}' (known: {})", config.source, config.app.type, known));
  }
  try {
    AppPtr app = (*factory)(config.app);
    if (!app) throw std::invalid_argument("the factory made no app");
    return app;
  } catch (const AppSettingError& e) {
    throw config::ConfigError(e.what());  // already names file, line and key
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(fmt::format("{}: app ({}): {}", config.source, config.app.type, e.what()));
  }
}

}  // namespace

Pipeline build_pipeline(const config::Config& config, const AppRegistry& apps, const StageDependencies& dependencies) {
  Pipeline pipeline;
  for (const std::string& name : config.stages) {
    if (StagePtr stage = make_stage(name, config, dependencies)) pipeline.append(std::move(stage));
  }
  pipeline.append(make_app_stage(make_app(config, apps)));
  return pipeline;
}

}  // namespace pscgi::pipeline
