#pragma once
/// \file
/// Applications: what answers a request once no stage before it has. An App is wrapped into the last
/// stage of the pipeline. Apps are found by the `app.type` config key in an AppRegistry.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <pscgi/app_settings.hpp>
#include <pscgi/request.hpp>
#include <pscgi/response.hpp>
#include <pscgi/stage.hpp>

namespace pscgi {

/// An application. handle() is a plain synchronous call, made from the worker's one thread; it may
/// throw (the client gets a 500 and the worker goes on).
class App {
 public:
  virtual ~App() = default;
  /// Answers one request. Must return a response (never null).
  virtual ResponsePtr handle(const Request& request) = 0;
  /// Called in each worker after fork, before the first request: open per-process resources here
  /// (connections, files, threads, random generators), not in the factory.
  virtual void on_worker_start(const WorkerInfo& worker) { (void)worker; }
  /// Called in each worker before it exits cleanly (max_requests, reload, shutdown); not called when
  /// the worker is killed or crashes. Flush and close here. Should not throw (a throw is logged).
  virtual void on_worker_exit() {}
};

using AppPtr = std::unique_ptr<App>;

/// Makes an App from its settings (read them with AppSettings' getters, then call refuse_unknown()).
/// Called in the master before fork, once at start-up and once per reload: load what the workers
/// share read-only here (copy-on-write after fork). A wrong setting throws AppSettingError (the
/// getters do); any other std::invalid_argument is reported as a config error too.
using AppFactory = std::function<AppPtr(const AppSettings&)>;

/// The apps a server knows, by type name.
class AppRegistry {
 public:
  void add(std::string type, AppFactory factory) { factories_[std::move(type)] = std::move(factory); }
  const AppFactory* find(const std::string& type) const {
    auto it = factories_.find(type);
    return it == factories_.end() ? nullptr : &it->second;
  }
  const std::map<std::string, AppFactory>& all() const noexcept { return factories_; }

 private:
  std::map<std::string, AppFactory> factories_;
};

/// The stage that hands requests to an app; it always answers.
StagePtr make_app_stage(AppPtr app);

}  // namespace pscgi
