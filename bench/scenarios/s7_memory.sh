# Scenario 7: memory. RSS (and PSS) of each pscgi worker idle, then with a cache, against the
# cache's own byte count, in two cases:
#  - filled: about 2000 distinct 8 KiB pages (/work?kb=8&page=N, uniform, enough requests that each
#    worker sees nearly all of them; max_entries 100000, max_bytes 256MiB, ttl 1h): well under the
#    limits, so RSS growth ÷ cache bytes is the overhead of an entry;
#  - full: max_bytes 16MiB, and 12000 such pages requested once each, in order (100 MB: however
#    unevenly the workers share them, each cache reaches max_bytes and evicts), so RSS shows
#    whether the limit bounds a worker's memory once entries have come and gone (the allocator's
#    fragmentation included).
# RSS, PSS and private memory come from /proc (tools/proc_mem.py); the cache's entries and bytes
# and the worker's own RSS reading from the metrics JSON (pscgi_worker_cache_bytes,
# pscgi_worker_rss_bytes; the worker reads its RSS at most once a second). pscgi-ideal and uWSGI
# (when installed), idle, for scale.

MEMORY_PAGE_TEMPLATE='/work?kb=8&page={}'

# memory_snapshot SERVER DIR STEM: /proc figures and the metrics JSON of SERVER's workers.
memory_snapshot() {
  "$PY" "$TOOLS/proc_mem.py" "${SRV_PID[$1]}" >"$2/$3.jsonl"
  server_metrics "$1" "$2/$3-metrics.json"
}

# wake_workers SERVER: 200 requests for /hello on 8 connections, so that every worker serves some.
wake_workers() {
  "$LOAD" --connect "unix:${SRV_SOCK[$1]}" -c 8 -n 200 --warmup 0 --uri /hello --quiet >/dev/null ||
    die "could not reach $1"
}

scenario_7() {
  banner "7. Memory: RSS per worker, idle, with a cache, and with a full cache"
  local dir=$OUT/memory
  mkdir -p "$dir"
  start_pscgi s7-pscgi workers=2 max_entries=100000 max_bytes=256MiB ttl=1h metrics=on
  start_pscgi s7-full workers=2 max_entries=100000 max_bytes=16MiB ttl=1h metrics=on
  start_ideal s7-ideal 2 "$PAGE_HIT"
  memory_snapshot s7-pscgi "$dir" filled-idle
  memory_snapshot s7-full "$dir" full-idle
  "$PY" "$TOOLS/proc_mem.py" "${SRV_PID[s7-ideal]}" >"$dir/ideal-idle.jsonl"
  if ((HAVE_UWSGI)); then
    start_uwsgi s7-uwsgi 2 "$PAGE_HIT" 0
    "$PY" "$TOOLS/proc_mem.py" "${SRV_PID[s7-uwsgi]}" >"$dir/uwsgi-idle.jsonl"
    stop_server s7-uwsgi
  fi
  stop_server s7-ideal
  DURATION=120s WARMUP=0 measure_load s7-pscgi 7 fill "fill: 2000 × 8 KiB pages, uniform" 1 \
    -c 4 -n 40000 --zipf 2000 --zipf-s 0 --zipf-template "$MEMORY_PAGE_TEMPLATE"
  fill_cache s7-full 12000 "$MEMORY_PAGE_TEMPLATE"
  # A worker refreshes its RSS in the scoreboard at most once a second, when it wakes up: wait,
  # then wake every worker with a few requests, so the metrics JSON shows the RSS after the fill.
  sleep 1.2
  wake_workers s7-pscgi
  wake_workers s7-full
  memory_snapshot s7-pscgi "$dir" filled
  memory_snapshot s7-full "$dir" full
  stop_server s7-pscgi
  stop_server s7-full
  "$PY" "$TOOLS/memory.py" "$dir" >"$RAW/memory.json"
}
