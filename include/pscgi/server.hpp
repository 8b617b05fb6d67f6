#pragma once
/// \file
/// The entry point for programs that embed pscgi: the same command line as the stock `pscgi` binary
/// (--config, --check-config, --version, --help), with the caller's apps available by type.

#include <pscgi/app.hpp>

namespace pscgi {

/// The apps that come with pscgi (`demo`, …).
AppRegistry builtin_apps();

/// Runs the pscgi command line and returns the process exit status. Blocks signals first, so call it
/// at the top of main(), before creating any thread.
int run_main(int argc, char** argv, const AppRegistry& apps);

}  // namespace pscgi
