#!/usr/bin/env bash
# Installs what is missing (scripts/install-deps.sh), then configures and builds pscgi in build/.
#   bash scripts/build.sh                        everything: server, library, tests, bench tools
#   bash scripts/build.sh --target pscgi_server  only build/pscgi (and the library it links)
# Every caller (run-demo.sh, test.sh, you) configures build/ with the same type and options, so
# one never throws away what another built: a later call builds only what is still missing.
# PSCGI_BUILD_DIR picks another directory; arguments other than --target go to cmake, so a
# directory with options of its own (test.sh --sanitize) must have its own PSCGI_BUILD_DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${PSCGI_BUILD_DIR:-$root/build}
jobs=${PSCGI_JOBS:-$(nproc)}

targets=()
cmake_args=()
while (($#)); do
  case $1 in
    --target) targets+=(--target "$2"); shift 2 ;;
    *) cmake_args+=("$1"); shift ;;
  esac
done

bash "$root/scripts/install-deps.sh"
# The bench tools have unit tests too, so the suite needs them: the shared options build them.
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPSCGI_WARNINGS_AS_ERRORS=ON -DPSCGI_BUILD_TESTS=ON -DPSCGI_BUILD_BENCH=ON \
  "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j "$jobs" "${targets[@]}"
