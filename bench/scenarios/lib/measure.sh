# One measurement = one load run against one server, recorded as $RAW/NNN.json. Sourced.
#
# Set by run.sh: DURATION and WARMUP (pscgi-load syntax, e.g. 5s), WRK_DURATION and WRK_WARMUP
# (whole seconds), REPS, RAW, LOAD, WRK_CONNECTIONS. A call may override DURATION or WARMUP for
# itself (DURATION=60s measure_load ...), and may set, the same way, BASELINE=1 (this row is what
# the other rows of its group are compared with), X=value (its position on a plot's x axis) and
# EXTRA="key=value ..." (kept in the record's extra).

SEQ=0

# The record options every measurement passes on to record.py.
record_options() {
  RECORD_OPTS=()
  [[ -n ${BASELINE:-} ]] && RECORD_OPTS+=(--baseline)
  [[ -n ${X:-} ]] && RECORD_OPTS+=(--x "$X")
  [[ -n ${EXTRA:-} ]] && RECORD_OPTS+=(--extra "$EXTRA")
  return 0
}

# Snapshots of the machine's CPU around a measurement; others_cores_extra then appends to the array
# named extra the cores other people's processes used meanwhile (tools/machine_cpu.py).
machine_snapshot() { "$PY" "$TOOLS/machine_cpu.py" "$$"; }
others_cores_extra() {
  local before=$1 after=$2
  extra+=(--extra "others_cores=$(awk -v b="$before" -v a="$after" 'BEGIN {
    split(b, x); split(a, y); wall = y[1] - x[1]; others = (y[2] - x[2]) - (y[3] - x[3])
    if (others < 0) others = 0
    printf "%.2f", (wall > 0) ? others / wall : 0 }')")
}

# The next record's path stem; sets REC (not to be called inside $( )).
next_record() {
  SEQ=$((SEQ + 1))
  REC=$RAW/$(printf '%03d' "$SEQ")
}

# measure_load SERVER SCENARIO GROUP CASE REP [pscgi-load options...]
# A pscgi-load run against SERVER's socket, with the backend CPU of SERVER's master and children.
measure_load() {
  local srv=$1 scenario=$2 group=$3 case=$4 rep=$5
  shift 5
  next_record
  local count_file=${SRV_DIR[$srv]}/renders extra=()
  [[ -f $count_file ]] && : >"$count_file"
  local status=0 snap0 snap1
  snap0=$(machine_snapshot)
  "$LOAD" --connect "unix:${SRV_SOCK[$srv]}" --server-pid "${SRV_PID[$srv]}" \
    --duration "$DURATION" --warmup "$WARMUP" --quiet --json "$REC.load.json" "$@" \
    >"$REC.load.txt" 2>&1 || status=$?
  if ((status != 0)); then
    say "pscgi-load failed (exit $status) against $srv:"
    cat "$REC.load.txt" >&2
    die "measurement $REC failed"
  fi
  snap1=$(machine_snapshot)
  others_cores_extra "$snap0" "$snap1"
  [[ -f $count_file ]] && extra+=(--extra "app_renders=$(stat -c %s "$count_file")")
  record_options
  "$PY" "$TOOLS/record.py" "$REC.json" --scenario "$scenario" --group "$group" --case "$case" \
    --rep "$rep" --server "$srv" --settings "${SRV_SETTINGS[$srv]} via=direct" --tool pscgi-load \
    --load "$REC.load.json" --load-args "$*" "${extra[@]}" "${RECORD_OPTS[@]}"
}

# measure_wrk NGINX SITE SCENARIO GROUP CASE REP URI
# wrk through nginx to SITE (an SCGI server's name, static:FILE, microcache:SERVER, outer:SERVER or
# outer-nolock:SERVER). The backend's CPU (its master and children) and nginx's are read from /proc
# before and after the run; a short wrk run first warms both up and is not recorded. With WRK_SCRIPT set (for this call), wrk
# runs that Lua script instead of wrk_json.lua (it must load wrk_json.lua itself, from
# $WRK_JSON_LUA), and URI is then only a label. A pscgi backend started with metrics=on reports, from
# its metrics, how many requests reached the app (requests that were not cache hits) and, behind
# nginx's own cache, how many reached pscgi at all.
measure_wrk() {
  local nginx=$1 site=$2 scenario=$3 group=$4 case=$5 rep=$6 uri=$7
  local port=${SRV_PORT["$nginx/$site"]} backend=${site#*:}
  local url=http://127.0.0.1:$port$uri settings pids=("${SRV_PID[$nginx]}")
  local script=${WRK_SCRIPT:-$TOOLS/wrk_json.lua} warmup_script=()
  [[ -n ${WRK_SCRIPT:-} ]] && warmup_script=(-s "$WRK_SCRIPT")
  if [[ $site == static:* ]]; then
    settings="server=nginx-static"
  else
    pids+=("${SRV_PID[$backend]}")
    settings=${SRV_SETTINGS[$backend]}
    [[ $site == microcache:* ]] && settings+=" nginx_microcache=1s"
    [[ $site == outer:* || $site == outer-nolock:* ]] && settings+=" nginx_outer=config/nginx.conf"
    [[ $site == outer-nolock:* ]] && settings+=" nginx_outer_lock=off"
  fi
  [[ -n ${WRK_SCRIPT:-} ]] && settings+=" wrk_script=$(basename "$WRK_SCRIPT")"
  next_record
  local count_file=${SRV_DIR[$backend]:-/nonexistent}/renders extra=() counts0=()
  export WRK_JSON_LUA=$TOOLS/wrk_json.lua
  WRK_JSON=/dev/null wrk -t1 -c"$WRK_CONNECTIONS" -d"${WRK_WARMUP}s" "${warmup_script[@]}" "$url" >/dev/null 2>&1 ||
    die "wrk warm-up failed on $url"
  [[ -f $count_file ]] && : >"$count_file"
  if [[ ${SRV_METRICS[$backend]:-off} == on ]]; then
    read -r -a counts0 <<<"$(backend_counts "$backend" "$REC.metrics-before.json")"
    ((${#counts0[@]} == 2)) || die "no metrics from $backend"
  fi
  local before after snap0 snap1
  snap0=$(machine_snapshot)
  before=$("$PY" "$TOOLS/tree_cpu.py" "${pids[@]}")
  WRK_JSON=$REC.wrk.json wrk -t1 -c"$WRK_CONNECTIONS" -d"${WRK_DURATION}s" --latency \
    -s "$script" "$url" >"$REC.wrk.txt" 2>&1 || die "wrk failed on $url: $(cat "$REC.wrk.txt")"
  after=$("$PY" "$TOOLS/tree_cpu.py" "${pids[@]}")
  snap1=$(machine_snapshot)
  others_cores_extra "$snap0" "$snap1"
  if ((${#counts0[@]})); then
    local counts1=()
    read -r -a counts1 <<<"$(backend_counts "$backend" "$REC.metrics-after.json")"
    ((${#counts1[@]} == 2)) || die "no metrics from $backend"
    # The first metrics request is counted among the second's requests: it is neither a render nor
    # a request of the load.
    extra+=(--extra "app_renders=$((counts1[0] - counts1[1] - counts0[0] + counts0[1] - 1))"
      --extra "backend_requests=$((counts1[0] - counts0[0] - 1))")
  fi
  local nginx_cpu backend_cpu
  read -r nginx_cpu backend_cpu <<<"$(paste -d' ' <(tr ' ' '\n' <<<"$before") <(tr ' ' '\n' <<<"$after") |
    awk '{printf "%.2f ", $2 - $1}')"
  extra+=(--extra "nginx_cpu_s=$nginx_cpu")
  # The static file has no backend: nginx is the whole server.
  extra+=(--extra "backend_cpu_s=${backend_cpu:-$nginx_cpu}")
  [[ -f $count_file ]] && extra+=(--extra "app_renders=$(stat -c %s "$count_file")")
  record_options
  "$PY" "$TOOLS/record.py" "$REC.json" --scenario "$scenario" --group "$group" --case "$case" \
    --rep "$rep" --server "$site" --settings "$settings via=nginx wrk_connections=$WRK_CONNECTIONS wrk_threads=1 uri=$uri" \
    --tool wrk --load "$REC.wrk.json" --load-args "-t1 -c$WRK_CONNECTIONS -d${WRK_DURATION}s $uri" \
    "${extra[@]}" "${RECORD_OPTS[@]}"
}

# fill_cache SERVER PAGES TEMPLATE: requests each of PAGES URIs (TEMPLATE with {} the page number)
# exactly once, in order (pscgi-load --in-order), so that every one is stored; not recorded.
fill_cache() {
  local srv=$1 pages=$2 template=$3
  "$LOAD" --connect "unix:${SRV_SOCK[$srv]}" -c 4 -n "$pages" --warmup 0 --timeout 30s --quiet \
    --zipf "$pages" --zipf-template "$template" --in-order >"${SRV_DIR[$srv]}/fill.txt" 2>&1 ||
    die "filling the cache of $srv failed: $(cat "${SRV_DIR[$srv]}/fill.txt")"
}

# backend_counts SERVER FILE: the requests SERVER (pscgi with metrics=on) has answered so far and
# how many of them were cache hits, on one line (the metrics JSON saved to FILE). Requests that
# were not hits are those its app rendered.
backend_counts() {
  local srv=$1 file=$2 figures
  figures=$("$PY" "$TOOLS/scgi_metrics.py" "${SRV_SOCK[$srv]}" "$file" --path "$METRICS_PATH" \
    --field totals.requests --field totals.cache.hits) || die "no metrics from $srv"
  printf '%s\n' "$(tr '\n' ' ' <<<"$figures")"
}

# server_metrics SERVER FILE [FIELD]: saves the metrics JSON of SERVER (started with metrics=on)
# to FILE; prints FIELD of it (a dotted path such as totals.cache.entries) when given.
server_metrics() {
  local srv=$1 file=$2 field=${3:-}
  "$PY" "$TOOLS/scgi_metrics.py" "${SRV_SOCK[$srv]}" "$file" --path "$METRICS_PATH" \
    ${field:+--field "$field"} || die "no metrics from $srv"
}
