// The guestbook server: pscgi's command line (--config, --check-config, --version, --help) with one
// more app type, `guestbook`, beside the built-in ones.
#include "guestbook_app.hpp"

#include <pscgi/server.hpp>

int main(int argc, char** argv) {
  pscgi::AppRegistry apps = pscgi::builtin_apps();
  apps.add("guestbook", &guestbook::make_guestbook_app);
  return pscgi::run_main(argc, argv, apps);
}
