# Scenario 7: memory. RSS (and PSS) of each pscgi worker idle, then after filling the cache with
# about 2000 distinct 8 KiB pages (/work?kb=8&page=N, uniform, enough requests that each worker
# sees nearly all of them; max_entries 100000, max_bytes 256MiB, ttl 1h), against the cache's own
# byte accounting, which each worker logs at exit ("cache: ... entries=N bytes=M"): the server is
# stopped gracefully and the log parsed. pscgi-ideal and uWSGI (when installed), idle, for scale.

scenario_7() {
  banner "7. Memory: RSS per worker, idle and with a full cache"
  local dir=$OUT/memory
  mkdir -p "$dir"
  start_pscgi s7-pscgi workers=2 max_entries=100000 max_bytes=256MiB ttl=1h
  start_ideal s7-ideal 2 "$PAGE_HIT"
  "$PY" "$TOOLS/proc_mem.py" "${SRV_PID[s7-pscgi]}" >"$dir/pscgi-idle.jsonl"
  "$PY" "$TOOLS/proc_mem.py" "${SRV_PID[s7-ideal]}" >"$dir/ideal-idle.jsonl"
  if ((HAVE_UWSGI)); then
    start_uwsgi s7-uwsgi 2 "$PAGE_HIT" 0
    "$PY" "$TOOLS/proc_mem.py" "${SRV_PID[s7-uwsgi]}" >"$dir/uwsgi-idle.jsonl"
    stop_server s7-uwsgi
  fi
  stop_server s7-ideal
  DURATION=120s WARMUP=0 measure_load s7-pscgi 7 fill "fill: 2000 × 8 KiB pages, uniform" 1 \
    -c 4 -n 40000 --zipf 2000 --zipf-s 0 --zipf-template '/work?kb=8&page={}'
  "$PY" "$TOOLS/proc_mem.py" "${SRV_PID[s7-pscgi]}" >"$dir/pscgi-filled.jsonl"
  stop_server s7-pscgi
  cp "${SRV_DIR[s7-pscgi]}/error.log" "$dir/pscgi-error.log"
  "$PY" "$TOOLS/memory.py" "$dir" >"$RAW/memory.json"
}
