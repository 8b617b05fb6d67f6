// The apps the stock pscgi binary knows by `app.type`.
#include <pscgi/server.hpp>

#include "apps/demo/demo_app.hpp"
#include "apps/pages/pages_app.hpp"

namespace pscgi {

AppRegistry builtin_apps() {
  AppRegistry apps;
  apps.add("demo", &apps::demo::make_demo_app);
  apps.add("pages", &apps::pages::make_pages_app);
  return apps;
}

}  // namespace pscgi
