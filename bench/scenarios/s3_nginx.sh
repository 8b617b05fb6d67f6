# Scenario 3: through nginx (one worker process, 127.0.0.1), with wrk (1 thread, keep-alive
# connections) as the client: nginx serving the page as a static file (the ceiling), nginx to
# pscgi-ideal, to pscgi answering from its cache, and to pscgi missing on a trivial handler.
# Backends have 2 workers; nginx talks to them over unix sockets, a new connection per request.

scenario_3() {
  banner "3. Through nginx: static file, ideal, pscgi hits and misses"
  if ((!HAVE_WRK)); then
    note 3 "skipped: wrk is not installed (Debian package wrk)"
    return 0
  fi
  local rep
  start_ideal s3-ideal 2 "$PAGE_HIT"
  start_pscgi s3-pscgi workers=2
  start_nginx s3-nginx "static:$BODY_HIT" s3-ideal s3-pscgi
  for ((rep = 1; rep <= REPS; rep++)); do
    measure_wrk s3-nginx "static:$BODY_HIT" 3 nginx "nginx static file (ceiling)" "$rep" "$HIT_URI"
    BASELINE=1 measure_wrk s3-nginx s3-ideal 3 nginx "nginx → pscgi-ideal" "$rep" "$HIT_URI"
    measure_wrk s3-nginx s3-pscgi 3 nginx "nginx → pscgi hit" "$rep" "$HIT_URI"
    measure_wrk s3-nginx s3-pscgi 3 nginx "nginx → pscgi miss (trivial handler)" "$rep" "$UNCACHEABLE_URI"
  done
  stop_server s3-nginx
  stop_server s3-ideal
  stop_server s3-pscgi
}
