# Scenario 4: uWSGI as a peer, on an SCGI unix socket with as many worker processes (plus its
# master) as pscgi, its WSGI app (python3 plugin) answering the same page: without a cache, and with
# uWSGI's cache router (cache2 + route-run cache/cachestore). The app counts its renders, so the
# report shows that the cache router really answered. Directly with pscgi-load, then through nginx
# (scgi_pass) with wrk.

scenario_4() {
  banner "4. Peers: uWSGI with and without its cache router"
  if ((!HAVE_UWSGI)); then
    note 4 "skipped: uWSGI with the python3 and router_cache plugins is not installed (Debian packages uwsgi, uwsgi-plugin-python3)"
    return 0
  fi
  local rep
  start_ideal s4-ideal 2 "$PAGE_HIT"
  start_pscgi s4-pscgi workers=2
  start_uwsgi s4-uwsgi 2 "$PAGE_HIT" 0
  start_uwsgi s4-uwsgi-cache 2 "$PAGE_HIT" 1
  for ((rep = 1; rep <= REPS; rep++)); do
    BASELINE=1 measure_load s4-ideal 4 direct "pscgi-ideal" "$rep" -c 4 --uri "$HIT_URI"
    measure_load s4-pscgi 4 direct "pscgi hit" "$rep" -c 4 --uri "$HIT_URI"
    measure_load s4-uwsgi 4 direct "uWSGI, no cache" "$rep" -c 4 --uri "$HIT_URI"
    measure_load s4-uwsgi-cache 4 direct "uWSGI + cache router" "$rep" -c 4 --uri "$HIT_URI"
  done
  if ((HAVE_WRK)); then
    start_nginx s4-nginx s4-ideal s4-pscgi s4-uwsgi s4-uwsgi-cache
    for ((rep = 1; rep <= REPS; rep++)); do
      BASELINE=1 measure_wrk s4-nginx s4-ideal 4 nginx "nginx → pscgi-ideal" "$rep" "$HIT_URI"
      measure_wrk s4-nginx s4-pscgi 4 nginx "nginx → pscgi hit" "$rep" "$HIT_URI"
      measure_wrk s4-nginx s4-uwsgi 4 nginx "nginx → uWSGI, no cache" "$rep" "$HIT_URI"
      measure_wrk s4-nginx s4-uwsgi-cache 4 nginx "nginx → uWSGI + cache router" "$rep" "$HIT_URI"
    done
    stop_server s4-nginx
  else
    note 4 "the runs through nginx were skipped: wrk is not installed"
  fi
  stop_server s4-ideal
  stop_server s4-pscgi
  stop_server s4-uwsgi
  stop_server s4-uwsgi-cache
}
