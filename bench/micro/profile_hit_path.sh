#!/usr/bin/env bash
# Counts the instructions one request costs in user space, with callgrind: the total, the three
# phases (parse, pipeline, outgoing), and the top functions by inclusive and by self cost, all
# divided by the number of requests. Instruction counts do not depend on what else the machine is
# doing, so they compare across runs where timings on a shared machine do not.
#
#   bench/micro/profile_hit_path.sh BUILD_DIR [hit|miss|not_modified] [static|hello] [log_off|log_devnull]
#
# Environment: REQUESTS (default 20000), TOP (rows per table, default 25), KEEP_OUT (a path to keep
# the callgrind file, for callgrind_annotate --auto=yes or kcachegrind).
# Build BUILD_DIR as Release with -g (-DCMAKE_CXX_FLAGS=-g) to get file and line information; the
# code is the same as a plain Release build's.
set -euo pipefail

build_dir=${1:?usage: $0 BUILD_DIR [hit|miss|not_modified] [static|hello] [log_off|log_devnull]}
shift
outcome=${1:-hit}
app=${2:-static}
log=${3:-log_off}
requests=${REQUESTS:-20000}
top=${TOP:-25}
driver=$build_dir/bench/micro/pscgi-micro-profile
[[ -x $driver ]] || { echo "$driver not found: build the pscgi-micro-profile target" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${KEEP_OUT:-$work/callgrind.out}

# Only measured_requests() and what it calls are counted: no setup, warm-up or exit.
valgrind --tool=callgrind --toggle-collect='*measured_requests*' --callgrind-out-file="$out" \
  "$driver" "$outcome" "$app" "$log" "$requests" >"$work/driver.txt" 2>"$work/valgrind.txt" ||
  { cat "$work/valgrind.txt" >&2; exit 1; }

# callgrind_annotate prints "  1,234,567 (12.34%)  file:function [object]". With debug information
# one function has several rows: its own code and the code inlined into it, by the file it came
# from. rows MODE prints per request, largest first, a short name (no object, no directories, no
# parameter lists) with: MODE self, the self counts summed over the files (they add up); MODE
# inclusive, the largest of a function's inclusive counts (these overlap and do not add up); MODE
# file, the self count of each file:function. The awk programs read to the end: with pipefail, a
# reader that quits early would fail the script.
rows() {
  awk -v n="$requests" -v mode="$1" '
    /^ *[0-9,]+ +\([ 0-9.]+%\) +/ {
      count = $1; gsub(",", "", count); count += 0
      line = $0
      if (line ~ /PROGRAM TOTALS|below main|libc_start|measured_requests|bench::\(anonymous namespace\)::run\(/) next
      sub(/^ *[0-9,]+ +\([ 0-9.]+%\) +/, "", line)
      sub(/ \[[^]]*\]$/, "", line)
      gsub(/\(anonymous namespace\)/, "{anon}", line)
      sub(/\(.*$/, "", line)
      sub(/^\?\?\?:/, "", line)
      file = "?"
      if (match(line, /^[^:]+:[^:]/)) {
        file = substr(line, 1, RLENGTH - 2); line = substr(line, RLENGTH)
        sub(/^.*\//, "", file)
      }
      sub(/ +$/, "", line)
      if (line == "" || line ~ /^(0x|main$)/) next
      if (mode == "file") line = file ":" line
      if (mode == "inclusive") { if (count > sum[line]) sum[line] = count }
      else sum[line] += count
    }
    END { for (name in sum) printf "%9.0f  %s\n", sum[name] / n, name }' | sort -rn
}

# The first TOP lines of its input, reading all of it.
first() { awk -v top="$top" 'NR <= top'; }

annotate() { callgrind_annotate --auto=no --threshold=100 "$@" "$out" 2>/dev/null; }

# Inclusive cost of one function, per request.
cost_of() {
  annotate --inclusive=yes | awk -v n="$requests" -v f="$1" '
    !found && index($0, f) { count = $1; gsub(",", "", count); printf "%.0f", count / n; found = 1 }
    END { if (!found) printf "0" }'
}

total=$(annotate | awk -v n="$requests" '/PROGRAM TOTALS/ { c = $1; gsub(",", "", c); printf "%.0f", c / n }')
parse=$(cost_of 'pscgi::bench::parse_phase(')
pipeline=$(cost_of 'pscgi::bench::pipeline_phase(')
outgoing=$(cost_of 'pscgi::bench::outgoing_phase(')

echo "pscgi-micro-profile $outcome $app $log: $(cat "$work/driver.txt")"
echo
echo "Instructions per request (callgrind Ir, $requests requests after 100 unmeasured)"
printf '%9s  %s\n' "$total" "total (serve_request: parse + pipeline + outgoing + Request/Exchange teardown)"
printf '%9s  %s\n' "$parse" "parse_phase (ScgiParser from bytes to Request)"
printf '%9s  %s\n' "$pipeline" "pipeline_phase (Pipeline::run)"
printf '%9s  %s\n' "$outgoing" "outgoing_phase (OutgoingResponse and its iovecs)"
printf '%9s  %s\n' "$((total - parse - pipeline - outgoing))" "the rest (Exchange, destroying the Request, the loop)"
echo
echo "Top $top functions by inclusive instructions per request"
annotate --inclusive=yes | rows inclusive | first
echo
echo "Top $top functions by self instructions per request (code inlined into a function counts as its own)"
annotate | rows self | first
echo
echo "Top $top self costs by file:function (the file is where the code comes from, e.g. an inlined header)"
annotate | rows file | first
