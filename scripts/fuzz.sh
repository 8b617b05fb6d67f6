#!/usr/bin/env bash
# Fuzzes every libFuzzer target (tests/fuzz/targets.cmake) for a bounded time and fails on any crash,
# leak, timeout or sanitizer report, naming the target and the input that caused it.
#   bash scripts/fuzz.sh [SECONDS]     each target runs SECONDS (default 60), PSCGI_FUZZ_JOBS at a time
# Builds with clang in build-fuzz/ (the pscgi library instrumented, ASan + UBSan). Each target starts
# from a fresh working corpus, build-fuzz/corpus/<target>/, with its committed seeds
# (tests/fuzz/corpus/<target>/, tests/fuzz/seeds.txt, tests/fuzz/regressions/<target>/) read beside it.
# Reproduce a failure: build-fuzz/tests/fuzz/<target> <input>; tests/fuzz/CMakeLists.txt says more.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build_dir=${PSCGI_FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${PSCGI_FUZZ_JOBS:-$(nproc)}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: SECONDS must be a positive number, got '$seconds'" >&2; exit 2; }

bash "$root/scripts/install-deps.sh" --fuzz
mapfile -t targets < <(sed -n 's/^  \([a-z_]*_fuzz\))\{0,1\}$/\1/p' "$root/tests/fuzz/targets.cmake")
((${#targets[@]})) || { echo "fuzz: no targets found in tests/fuzz/targets.cmake" >&2; exit 1; }

# -O1 and line tables only: a quicker build than RelWithDebInfo, still whole stack traces; asserts on.
CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DPSCGI_BUILD_FUZZ=ON -DPSCGI_BUILD_TESTS=OFF -DPSCGI_BUILD_BENCH=OFF -DPSCGI_WARNINGS_AS_ERRORS=ON >/dev/null
build_started=$SECONDS
cmake --build "$build_dir" -j "$jobs" --target pscgi_fuzz_targets
echo "fuzz: built ${#targets[@]} targets in $((SECONDS - build_started)) s"

# A target's committed seeds, copied into one folder (libFuzzer reads folders, and seeds.txt may name
# files): tests/fuzz/corpus/<target>/, what seeds.txt names, tests/fuzz/regressions/<target>/.
gather_seeds() {
  local target=$1 seeds=$2 line sources=("$root/tests/fuzz/corpus/$target")
  while read -r line; do
    if [[ $line == "$target "* ]]; then sources+=("$root/${line#"$target "}"); fi
  done < "$root/tests/fuzz/seeds.txt"
  if [[ -d $root/tests/fuzz/regressions/$target ]]; then sources+=("$root/tests/fuzz/regressions/$target"); fi
  rm -rf "$seeds"
  mkdir -p "$seeds"
  find "${sources[@]}" -type f -exec cp --backup=numbered -t "$seeds" {} +
}

run_target() {
  local target=$1 corpus=$build_dir/corpus/$1 artifacts=$build_dir/artifacts/$1/ seeds=$build_dir/seeds/$1
  rm -rf "$corpus" "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  gather_seeds "$target" "$seeds"
  local dict=()
  if [[ -f $root/tests/fuzz/$target.dict ]]; then dict=(-dict="$root/tests/fuzz/$target.dict"); fi
  # -timeout: one input running 10 s is a hang; -rss_limit_mb: libFuzzer's default, said aloud.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build_dir/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "${dict[@]}" "$corpus" "$seeds" \
    >"$build_dir/logs/$target.log" 2>&1
}

# The summary line of one finished run: time, executions (libFuzzer's final stats), corpus size.
summarize() {
  local target=$1 log=$build_dir/logs/$1.log
  local runs time corpus
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1 || true)
  time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n1 || true)
  corpus=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n1 | cut -d' ' -f2 || true)
  printf '%-20s %4s s %10s execs %7s/s  corpus %5s inputs %8s (%s new files)\n' "$target" "${time:-?}" \
    "${runs:-?}" "$(( ${runs:-0} / (${time:-0} > 0 ? ${time:-1} : 1) ))" "${corpus%%/*}" "${corpus#*/}" \
    "$(find "$build_dir/corpus/$target" -type f | wc -l)"
}

# A failed run: what libFuzzer and the sanitizers said, and the input that did it.
report_failure() {
  local target=$1 status=$2 log=$build_dir/logs/$1.log
  echo "fuzz: FAILED: $target (exit $status)" >&2
  grep -E 'ERROR: |runtime error:|invariant broken|deadly signal|Test unit written to|SUMMARY:' "$log" | head -n 20 >&2 || true
  local input
  for input in "$build_dir/artifacts/$target"/*; do
    if [[ -f $input ]]; then echo "fuzz: $target: crashing input: $input (replay: $build_dir/tests/fuzz/$target $input)" >&2; fi
  done
  echo "fuzz: the whole log: $log" >&2
}

mkdir -p "$build_dir/logs"
declare -A pids=()
failed=()
finish_one() {
  local pid=$1 status=$2 target=${pids[$1]}
  unset "pids[$pid]"
  # A clean exit with a sanitizer report in the log still fails: nothing may be reported at all.
  if ((status == 0)) && grep -qE 'ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:' "$build_dir/logs/$target.log"; then
    status=1
  fi
  if ((status != 0)); then
    report_failure "$target" "$status"
    failed+=("$target")
  fi
}

fuzz_started=$SECONDS
echo "fuzz: ${#targets[@]} targets, $seconds s each, $jobs at a time"
for target in "${targets[@]}"; do
  while ((${#pids[@]} >= jobs)); do
    status=0
    wait -n -p done_pid "${!pids[@]}" || status=$?
    finish_one "$done_pid" "$status"
  done
  run_target "$target" &
  pids[$!]=$target
done
for pid in "${!pids[@]}"; do
  status=0
  wait "$pid" || status=$?
  finish_one "$pid" "$status"
done

echo "fuzz: summary (fuzzing took $((SECONDS - fuzz_started)) s)"
for target in "${targets[@]}"; do summarize "$target"; done
if ((${#failed[@]})); then
  echo "fuzz: ${#failed[@]} target(s) FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: every target ran $seconds s without a crash, leak, timeout or sanitizer report"
