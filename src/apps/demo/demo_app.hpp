#pragma once
// The demo app (`app: { type: demo }`): a handful of routes for tests, benchmarks and for exercising
// the cache from outside. docs/demo-app.md describes every route and parameter.

#include <pscgi/app.hpp>

namespace pscgi::apps::demo {

/// Makes the demo app. Its one option is `greeting` (the first word of /hello, "Hello" when unset;
/// empty is refused); any other key is refused. Errors are AppSettingError naming `app.<key>`.
AppPtr make_demo_app(const AppSettings& settings);

}  // namespace pscgi::apps::demo
