# Scenario 1: direct SCGI, cache hits, 1 and 2 workers: pscgi against pscgi-ideal (the practical
# physical limit: accept, read, one send of canned bytes, close), both serving the same bytes (the
# 1 KiB page of HIT_URI). With one worker, a third server shows what an access log file adds.
# Measurements alternate between the servers, REPS times; the report takes medians.

scenario_1() {
  banner "1. Direct SCGI, cache hits: pscgi vs pscgi-ideal"
  local w rep c
  for w in 1 2; do
    c=$((2 * w)) # a request always waiting for every worker
    start_ideal s1-ideal-w$w "$w" "$PAGE_HIT"
    start_pscgi s1-pscgi-w$w workers=$w
    ((w == 1)) && start_pscgi s1-pscgi-log-w1 workers=1 access_log=file
    for ((rep = 1; rep <= REPS; rep++)); do
      BASELINE=1 measure_load s1-ideal-w$w 1 "w$w" "pscgi-ideal, $w worker(s)" "$rep" -c $c --uri "$HIT_URI"
      measure_load s1-pscgi-w$w 1 "w$w" "pscgi hit, $w worker(s)" "$rep" -c $c --uri "$HIT_URI"
      if ((w == 1)); then
        measure_load s1-pscgi-log-w1 1 "w$w" "pscgi hit + access log file, 1 worker" "$rep" -c $c --uri "$HIT_URI"
      fi
    done
    stop_server s1-ideal-w$w
    stop_server s1-pscgi-w$w
    ((w == 1)) && stop_server s1-pscgi-log-w1
  done
  return 0
}
