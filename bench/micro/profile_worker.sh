#!/usr/bin/env bash
# Counts the user-space instructions a real pscgi worker spends per cache hit, with callgrind: the
# whole worker (event loop, Connection's steps, parse, pipeline, write), where profile_hit_path.sh
# counts only parse + pipeline + outgoing in a loop. It starts pscgi (1 worker, the bench suite's
# config) under valgrind, warms the cache, counts only while pscgi-load sends REQUESTS hits on one
# connection at a time, then stops the server by its PID. Counts vary by a few percent between runs
# (how often epoll_wait and accept4 find nothing depends on timing): compare builds back to back.
#
#   bench/micro/profile_worker.sh BUILD_DIR [URI]        (BUILD_DIR built with PSCGI_BUILD_BENCH=ON)
#
# Environment: REQUESTS (default 20000), KEEP_DIR (a directory to keep the config, logs and the
# callgrind file in).
set -euo pipefail

build_dir=$(cd "${1:?usage: $0 BUILD_DIR [URI]}" && pwd)
uri=${2:-/work?kb=1}
requests=${REQUESTS:-20000}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
pscgi=$build_dir/pscgi
load=$build_dir/bench/pscgi-load
for tool in "$pscgi" "$load"; do [[ -x $tool ]] || { echo "$tool not found: build $build_dir with -DPSCGI_BUILD_BENCH=ON" >&2; exit 1; }; done
command -v callgrind_control >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }

work=${KEEP_DIR:-$(mktemp -d)}
mkdir -p "$work"
server_pid=''
cleanup() {
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ -n ${KEEP_DIR:-} ]] || rm -rf "$work"
}
trap cleanup EXIT

sed -e "s|@SOCKET@|$work/pscgi.sock|" -e "s|@PIPELINE@|access_log, conditional, cache|" -e "s|@WORKERS@|1|" \
  -e "s|@MAX_REQUESTS@|0|" -e "s|@JITTER@|0|" -e "s|@ERROR_LOG@|$work/error.log|" -e "s|@ACCESS_LOG@|off|" \
  -e "s|@CACHE_ENABLED@|true|" -e "s|@TTL@|600s|" -e "s|@MAX_ENTRIES@|~|" -e "s|@MAX_BYTES@|32MiB|" \
  "$root/bench/scenarios/templates/pscgi.yaml.in" >"$work/pscgi.yaml"

# Instrumentation starts off: start-up, the fork and the warm-up are not counted.
valgrind --tool=callgrind --trace-children=yes --instr-atstart=no --callgrind-out-file="$work/callgrind.%p" \
  "$pscgi" --config "$work/pscgi.yaml" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 600); do [[ -S $work/pscgi.sock ]] && break; sleep 0.1; done
[[ -S $work/pscgi.sock ]] || { echo "pscgi did not start under valgrind:" >&2; tail "$work/server.log" >&2; exit 1; }

"$load" --connect "unix:$work/pscgi.sock" --requests 2000 -c 1 --uri "$uri" --quiet --json "$work/warm.json" >/dev/null
# The worker is the master's only child (valgrind runs the master under the same PID).
worker_pid=$(ps -o pid= --ppid "$server_pid" | head -1 | tr -d ' ')
[[ -n $worker_pid ]] || { echo "no worker under pscgi (pid $server_pid)" >&2; exit 1; }
callgrind_control -i on "$worker_pid" >/dev/null 2>&1
# --warmup 0: every request sent while counting is one of the REQUESTS the count is divided by.
"$load" --connect "unix:$work/pscgi.sock" --requests "$requests" --warmup 0 -c 1 --uri "$uri" --quiet --json "$work/load.json" >/dev/null
callgrind_control -i off "$worker_pid" >/dev/null 2>&1
callgrind_control -d "$worker_pid" >/dev/null 2>&1
kill -TERM "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=''

total=0
for file in "$work"/callgrind."$worker_pid"*; do
  count=$(callgrind_annotate --auto=no "$file" 2>/dev/null | awk '/PROGRAM TOTALS/ { c = $1; gsub(",", "", c); print c }')
  [[ $count =~ ^[0-9]+$ ]] && total=$((total + count))  # "." when the file counted nothing
done
((total > 0)) || { echo "callgrind counted nothing in the worker (pid $worker_pid)" >&2; exit 1; }
echo "pscgi worker, $requests cache hits of $uri (one connection at a time):" \
  "$((total / requests)) user instructions per request (callgrind Ir, whole worker)"
