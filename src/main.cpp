// The stock pscgi binary: the command line with the built-in apps.
#include <pscgi/server.hpp>

int main(int argc, char** argv) { return pscgi::run_main(argc, argv, pscgi::builtin_apps()); }
