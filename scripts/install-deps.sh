#!/usr/bin/env bash
# Installs everything pscgi needs to build, test and run on Debian 12, from Debian's own packages.
# Safe to run again: apt-get skips what is already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libfmt-dev libspdlog-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libxxhash-dev
  libmd4c-dev libmd4c-html0-dev libsystemd-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nginx-light curl procps ccache
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(wrk gnuplot-nox strace linux-perf valgrind uwsgi uwsgi-plugin-python3)
fi
# What only the test suite runs (scripts/test.sh asks for it): the headless browser of the site's
# test, a real Prometheus server and parsers for the metrics tests, and logrotate to check the
# shipped config/pscgi.logrotate. (--browser: the old name.)
if [[ "${1:-}" == "--test" || "${1:-}" == "--browser" ]]; then
  packages+=(chromium prometheus python3-prometheus-client logrotate)
fi
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install-deps: missing ${missing[*]}; run as root or install sudo" >&2; exit 1; }
    sudo_cmd=(sudo)
  fi
  # apt and dpkg print pages even with -qq: keep them in a log, show it only when something fails.
  log=$(mktemp /tmp/pscgi-apt.XXXXXX.log)
  echo "Installing ${#missing[@]} missing Debian packages: ${missing[*]} (a few minutes on a new machine; log: $log)"
  if ! { "${sudo_cmd[@]}" apt-get update -qq &&
         "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
           apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 25 "$log" >&2
    echo "install-deps: apt-get failed; the whole output is in $log" >&2
    exit 1
  fi
  rm -f "$log"
fi
