# Scenario 12: the soak (opt-in: only `bench/run.sh --only 12` runs it; it is not in the default
# list). 30 minutes (60 s with --quick) of mixed load straight over SCGI against pscgi with the
# shipped recycling (workers.max_requests 1000, jitter 100), 2 workers, cache ttl 10 s:
#  - a closed loop of 4 connections over a weighted URL list: cache hits (/work?kb=1), uncacheable
#    misses (/respond?...&nocache=1) and 1 ms renders (/work?ms=1) of pages that expire;
#  - a second closed loop of 2 connections, Zipf over 5 000 pages of /work?ms=1: cold misses;
#  - a SIGHUP reload every 60 s and a cache flush (SIGUSR2) every 90 s (every 15 s and 22 s with
#    --quick, so that a short run still goes through several of each).
# The notes give the totals of requests and failures (a failure: no response, or one that is not
# 2xx), what the error log says happened (reloads, flushes, worker exits by reason), and the RSS and
# open descriptors of the master and of the workers at the start and at the end. A sound server
# ends with no failure, no crash, no zombie, the master's descriptors unchanged, and its workers'
# RSS and descriptors back near where they started (recycling replaces the workers meanwhile).

SOAK_ZIPF_PAGES=5000

# The weighted list of the first loop (pscgi-load --url-file: `weight uri`).
soak_url_file() {
  cat >"$1" <<'URLS'
60 /work?kb=1
20 /respond?body=soak&nocache=1
10 /work?ms=1&kb=2
10 /work?ms=1&kb=4
URLS
}

# Sends SIGHUP every $2 s and SIGUSR2 every $3 s to the master $1 until the pscgi-load processes
# in the remaining arguments have all exited. Prints "reloads flushes" sent.
soak_signals() {
  local master=$1 reload_every=$2 flush_every=$3
  shift 3
  local started=$SECONDS next_reload=$((SECONDS + reload_every)) next_flush=$((SECONDS + flush_every))
  local reloads=0 flushes=0 pid running
  for (( ; ; )); do
    running=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && running=1; done
    ((running)) || break
    if ((SECONDS >= next_reload)); then
      kill -HUP "$master" && reloads=$((reloads + 1))
      next_reload=$((next_reload + reload_every))
    fi
    if ((SECONDS >= next_flush)); then
      kill -USR2 "$master" && flushes=$((flushes + 1))
      next_flush=$((next_flush + flush_every))
    fi
    sleep 0.5
  done
  say "  soak: $((SECONDS - started)) s, $reloads reload(s) and $flushes cache flush(es) sent"
  echo "$reloads $flushes"
}

scenario_12() {
  local seconds=1800 reload_every=60 flush_every=90
  ((QUICK)) && seconds=60 reload_every=15 flush_every=22
  banner "12. Soak: ${seconds} s of mixed load with recycling, reloads and cache flushes"
  start_pscgi s12 workers=2 max_requests=1000 jitter=100 ttl=10s
  local dir=${SRV_DIR[s12]} master=${SRV_PID[s12]}
  soak_url_file "$dir/urls.txt"
  "$PY" "$TOOLS/soak_snapshot.py" "$master" >"$dir/start.json"

  "$LOAD" --connect "unix:${SRV_SOCK[s12]}" -c 4 --duration "${seconds}s" --warmup 0 --timeout 30s --quiet \
    --url-file "$dir/urls.txt" --json "$dir/mixed.json" >"$dir/mixed.txt" 2>&1 &
  local mixed=$!
  own_pid "$mixed"
  "$LOAD" --connect "unix:${SRV_SOCK[s12]}" -c 2 --duration "${seconds}s" --warmup 0 --timeout 30s --quiet \
    --zipf "$SOAK_ZIPF_PAGES" --zipf-template '/work?ms=1&page={}' --json "$dir/cold.json" >"$dir/cold.txt" 2>&1 &
  local cold=$!
  own_pid "$cold"
  local sent
  sent=$(soak_signals "$master" "$reload_every" "$flush_every" "$mixed" "$cold")
  local status=0
  wait "$mixed" || status=$?
  disown_pid "$mixed"
  wait "$cold" || status=$?
  disown_pid "$cold"
  ((status == 0)) || die "pscgi-load failed during the soak: $(cat "$dir/mixed.txt" "$dir/cold.txt")"

  # The last reload's old workers finish and leave within a moment; the pool is then at its size.
  sleep 2
  "$PY" "$TOOLS/soak_snapshot.py" "$master" >"$dir/end.json"
  note 12 "${seconds} s; ${sent% *} SIGHUP reload(s) and ${sent#* } SIGUSR2 cache flush(es) sent; 4 connections over hits, misses and 1 ms renders + 2 connections of Zipf cold misses; workers.max_requests 1000 (jitter 100), 2 workers"
  local line
  while IFS= read -r line; do note 12 "$line"; done < <("$PY" "$TOOLS/soak_report.py" "$dir/start.json" "$dir/end.json" \
    "$dir/error.log" "$dir/mixed.json" "$dir/cold.json")
  cp "$dir/start.json" "$RAW/soak-start.json"
  cp "$dir/end.json" "$RAW/soak-end.json"
  cp "$dir/mixed.json" "$RAW/soak-mixed.load.json"
  cp "$dir/cold.json" "$RAW/soak-cold.load.json"
  stop_server s12
}
