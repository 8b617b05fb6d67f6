# Scenario 11: the surge the cache is for. A Zipf load (s = 1) over 1 000 pages of /work?ms=2 (2 ms
# of CPU per render), through nginx with wrk (1 thread, keep-alive connections, tools/wrk_zipf.lua),
# backends with 2 workers:
#  - pscgi, cache off (the base);
#  - pscgi, cache on with the shipped defaults (ttl 10s, max_requests 1000 + jitter 100, so
#    max_entries 200: each worker's cache is small and starts empty when it is replaced);
#  - pscgi, cache on without recycling (max_entries 1000: every page fits);
#  - uWSGI + its cache router (a WSGI app that burns the same 2 ms per render, entries kept 10 s);
#  - nginx's own scgi_cache, a 1 s microcache (servers.sh microcache_block), in front of pscgi with
#    its cache off: what many operators would pick instead.
# Each row says how many requests reached the app (pscgi: its metrics, requests that were not
# cache hits; uWSGI: the app's render count), and nginx's CPU beside the backend's.

SURGE_PAGES=1000
SURGE_TEMPLATE='/work?ms=2&page={}'

scenario_11() {
  banner "11. The surge: Zipf over $SURGE_PAGES pages of /work?ms=2 through nginx"
  if ((!HAVE_WRK)); then
    note 11 "skipped: wrk is not installed (Debian package wrk)"
    return 0
  fi
  local rep sites=(s11-off s11-defaults s11-on microcache:s11-off)
  start_pscgi s11-off workers=2 cache=false metrics=on
  start_pscgi s11-defaults workers=2 ttl=10s max_requests=1000 jitter=100 metrics=on
  start_pscgi s11-on workers=2 ttl=10s max_entries=$SURGE_PAGES metrics=on
  if ((HAVE_UWSGI)); then
    "$PY" "$TOOLS/scgi_get.py" "${SRV_SOCK[s11-off]}" "${SURGE_TEMPLATE/\{\}/1}" --out "$WORK_DIR/page-surge.cgi"
    UWSGI_BURN_MS=2 UWSGI_EXPIRES=10 UWSGI_ITEMS=$((2 * SURGE_PAGES)) start_uwsgi s11-uwsgi 2 "$WORK_DIR/page-surge.cgi" 1
    sites+=(s11-uwsgi)
  else
    note 11 "uWSGI + cache router skipped: uWSGI with the python3 and router_cache plugins is not installed"
  fi
  start_nginx s11-nginx "${sites[@]}"
  local -x ZIPF_PAGES=$SURGE_PAGES ZIPF_TEMPLATE=$SURGE_TEMPLATE
  # wrk's URL names only the server: the script draws each request's URI.
  local label='/work?ms=2'
  for ((rep = 1; rep <= REPS; rep++)); do
    WRK_SCRIPT=$TOOLS/wrk_zipf.lua BASELINE=1 measure_wrk s11-nginx s11-off 11 surge "pscgi, cache off" "$rep" "$label"
    WRK_SCRIPT=$TOOLS/wrk_zipf.lua measure_wrk s11-nginx s11-defaults 11 surge "pscgi, cache on (shipped defaults)" "$rep" "$label"
    WRK_SCRIPT=$TOOLS/wrk_zipf.lua measure_wrk s11-nginx s11-on 11 surge "pscgi, cache on, no recycling" "$rep" "$label"
    if ((HAVE_UWSGI)); then
      WRK_SCRIPT=$TOOLS/wrk_zipf.lua measure_wrk s11-nginx s11-uwsgi 11 surge "uWSGI + cache router" "$rep" "$label"
    fi
    WRK_SCRIPT=$TOOLS/wrk_zipf.lua measure_wrk s11-nginx microcache:s11-off 11 surge \
      "nginx scgi_cache 1 s → pscgi, cache off" "$rep" "$label"
  done
  stop_server s11-nginx
  stop_server s11-off
  stop_server s11-defaults
  stop_server s11-on
  stop_server s11-uwsgi
}
