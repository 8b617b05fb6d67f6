#include "pipeline/stage_factory.hpp"

#include "cache/cache_stage.hpp"
#include "cache/conditional_stage.hpp"
#include "pipeline/access_log_stage.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace pscgi::pipeline {
namespace {

StagePtr make_stage(const std::string& name, const config::Config& config, const StageDependencies& dependencies) {
  if (name == "access_log") return make_access_log_stage();
  if (name == "conditional") return cache::make_conditional_stage();
  if (name == "cache") return cache::make_cache_stage(config.cache, config.workers, dependencies.cache_generation);
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
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(fmt::format("{}: app ({}): {}", config.source, config.app.type, e.what()));
  }
}

}  // namespace

Pipeline build_pipeline(const config::Config& config, const AppRegistry& apps, const StageDependencies& dependencies) {
  Pipeline pipeline;
  for (const std::string& name : config.stages) pipeline.append(make_stage(name, config, dependencies));
  pipeline.append(make_app_stage(make_app(config, apps)));
  return pipeline;
}

}  // namespace pscgi::pipeline
