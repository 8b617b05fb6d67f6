#!/usr/bin/env bash
# The pscgi load-test suite: builds in Release, starts every server itself, runs the scenarios
# (interleaved A/B measurements, medians), stops what it started by PID, and writes a Markdown
# table, a JSON file and PNG plots. See docs/benchmarks.md.
#
#   bench/run.sh [--quick] [--only N[,M...]] [--out DIR] [--reps N] [--no-build] [--no-install] [--keep]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCENARIOS_DIR=$ROOT/bench/scenarios
TOOLS=$SCENARIOS_DIR/tools
TEMPLATES=$SCENARIOS_DIR/templates
BUILD_DIR=$ROOT/build-bench
ALL_SCENARIOS=(1 2 3 4 5 6 7 8 9 10 11 13)
# Run only when named with --only: the soak takes 30 minutes.
OPT_IN_SCENARIOS=(12)
# The report's helpers import each other: leave no __pycache__ in the source tree.
export PYTHONDONTWRITEBYTECODE=1

usage() {
  cat <<'EOF'
Usage: bench/run.sh [options]

  --quick          short runs (about 1 s each, one repetition): a smoke test, a few minutes in all
  --only LIST      run only these scenarios, e.g. --only 1 or --only 2,5 (default: 1-11 and 13;
                   12 only when named)
  --out DIR        where results go (default: bench/results/<timestamp>/)
  --reps N         repetitions of each interleaved A/B measurement (default 3; 1 with --quick)
  --no-build       use the binaries already in build-bench/
  --no-install     do not call apt-get for missing tools (scenarios that need them are skipped)
  --keep           keep the run's work directory (configs, sockets, server logs) for inspection
  -h, --help       this text

Scenarios: 1 direct hits vs ideal, 2 misses and the cache's speed-up, 3 through nginx, 4 uWSGI,
5 worker recycling, 6 scaling (workers x connections, wake-ups) and the latency curve, 7 memory
(idle, a filled cache, a cache full to max_bytes), 8 a slow CGI script, cache off vs on, 9 cache
size (100 / 10 000 / 100 000 entries), 10 body size (1 KiB to 1 MiB) against pscgi-ideal,
11 the surge: Zipf over 1 000 slow pages through nginx (pscgi's cache, uWSGI's, nginx's microcache),
13 two cache levels: the surge of 11 through nginx's cache in front of pscgi's (pscgi's cache only,
nginx's microcache written by hand, cache.outer with outer_max_ttl 1s and 2s),
12 the soak (only with --only 12): 30 minutes (60 s with --quick) of mixed load with recycling, a
reload every 60 s and a cache flush every 90 s; requests, failures, RSS and descriptors at start
and end.
EOF
}

QUICK=0
ONLY=""
OUT=""
REPS=""
DO_BUILD=1
DO_INSTALL=1
while (($#)); do
  case $1 in
    --quick) QUICK=1 ;;
    --only) ONLY=${2:?--only needs a list}; shift ;;
    --only=*) ONLY=${1#*=} ;;
    --out) OUT=${2:?--out needs a directory}; shift ;;
    --out=*) OUT=${1#*=} ;;
    --reps) REPS=${2:?--reps needs a number}; shift ;;
    --reps=*) REPS=${1#*=} ;;
    --no-build) DO_BUILD=0 ;;
    --no-install) DO_INSTALL=0 ;;
    --keep) KEEP_WORK_DIR=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=scenarios/lib/common.sh
source "$SCENARIOS_DIR/lib/common.sh"
# shellcheck source=scenarios/lib/servers.sh
source "$SCENARIOS_DIR/lib/servers.sh"
# shellcheck source=scenarios/lib/measure.sh
source "$SCENARIOS_DIR/lib/measure.sh"
# shellcheck source=scenarios/lib/setup.sh
source "$SCENARIOS_DIR/lib/setup.sh"
# shellcheck disable=SC1090 # the scenario files, one function each
for f in "$SCENARIOS_DIR"/s[0-9]*_*.sh; do source "$f"; done

if ((QUICK)); then
  MODE=quick DURATION=1s WARMUP=0.3s WRK_DURATION=1 WRK_WARMUP=1 REPS=${REPS:-1}
else
  MODE=full DURATION=5s WARMUP=1s WRK_DURATION=5 WRK_WARMUP=1 REPS=${REPS:-3}
fi
[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "--reps must be a positive whole number"
WRK_CONNECTIONS=16
SELECTED=$(select_scenarios "$ONLY")

OUT=${OUT:-$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)}
RAW=$OUT/raw
mkdir -p "$RAW"
OUT=$(cd "$OUT" && pwd)
RAW=$OUT/raw

install_cleanup
ensure_tools
build_binaries
WORK_DIR=$(mktemp -d /tmp/pscgi-bench.XXXXXX)
chmod 755 "$WORK_DIR"
capture_pages
"$PY" "$TOOLS/meta.py" "$OUT/meta.json" --root "$ROOT" --build-dir "$BUILD_DIR" --mode "$MODE" \
  --duration "$DURATION" --warmup "$WARMUP" --reps "$REPS" --scenarios "$SELECTED" \
  --wrk-connections "$WRK_CONNECTIONS" --wrk-duration "$WRK_DURATION"

say "pscgi benchmarks: $MODE mode, scenarios $SELECTED, $REPS repetition(s), ${DURATION} per run; results in $OUT"
started=$SECONDS
for s in ${SELECTED//,/ }; do "scenario_$s"; done
say "" "measured in $((SECONDS - started)) s"

report_opts=()
((HAVE_GNUPLOT)) || report_opts=(--no-plots)
"$PY" "$TOOLS/report.py" "$OUT" "${report_opts[@]}"
make_plots
say "" "results: $OUT/results.md, $OUT/results.json$(compgen -G "$OUT/*.png" >/dev/null && echo ", $OUT/*.png")"
