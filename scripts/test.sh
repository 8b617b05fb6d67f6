#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs the whole test suite: unit tests and
# integration tests (the real binary, and real nginx started by the tests on loopback).
#   --sanitize   instead: build with AddressSanitizer + UndefinedBehaviorSanitizer (build-sanitize/) and run it all
# The normal suite builds in build/, configured as scripts/run-demo.sh configures it: whichever runs
# second builds only what the first did not (the tests), never the server again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

run_suite() {
  local build_dir=$1; shift
  # The suite loads the docs site in Debian's chromium and scrapes the metrics with a real Prometheus.
  bash "$root/scripts/install-deps.sh" --test
  PSCGI_BUILD_DIR=$build_dir bash "$root/scripts/build.sh" "$@"
  (cd "$build_dir" && ctest --output-on-failure --timeout 300)
}

if [[ "${1:-}" == "--sanitize" ]]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_suite "$root/build-sanitize" -DPSCGI_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=Debug -DPSCGI_BUILD_BENCH=OFF
else
  run_suite "$root/build"
fi
