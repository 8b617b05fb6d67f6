# Scenario 5: the cost of recycling workers (workers.max_requests 50, 500, the default 1000, and
# 0 = never) under cache-hit load, 2 workers, jitter a tenth of max_requests. A recycled worker is a fork, a start,
# and an empty cache (its first request for the page is a miss); the master's cutime/cstime keeps
# the CPU of the workers that exited, so it is all counted. Errors must be 0.

scenario_5() {
  banner "5. Recycling: max_requests 50 / 500 / 1000 / off under hit load"
  local rep mr
  for mr in 0 50 500 1000; do start_pscgi s5-mr$mr workers=2 max_requests=$mr jitter=$((mr / 10)); done
  for ((rep = 1; rep <= REPS; rep++)); do
    BASELINE=1 measure_load s5-mr0 5 recycle "max_requests 0 (off)" "$rep" -c 4 --uri "$HIT_URI"
    measure_load s5-mr1000 5 recycle "max_requests 1000 (default)" "$rep" -c 4 --uri "$HIT_URI"
    measure_load s5-mr500 5 recycle "max_requests 500" "$rep" -c 4 --uri "$HIT_URI"
    measure_load s5-mr50 5 recycle "max_requests 50" "$rep" -c 4 --uri "$HIT_URI"
  done
  for mr in 50 500 1000; do
    stop_server s5-mr$mr
    note 5 "max_requests $mr: $("$PY" "$TOOLS/recycling.py" "${SRV_DIR[s5-mr$mr]}/error.log")"
  done
  stop_server s5-mr0
}
