#!/usr/bin/env bash
# Configures and builds pscgi into build/ (or $PSCGI_BUILD_DIR). Extra arguments go to cmake.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${PSCGI_BUILD_DIR:-$root/build}
build_type=${PSCGI_BUILD_TYPE:-RelWithDebInfo}
jobs=${PSCGI_JOBS:-$(nproc)}
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" -DPSCGI_WARNINGS_AS_ERRORS=ON "$@" >/dev/null
cmake --build "$build_dir" -j "$jobs"
