# Scenario 6: scaling, pscgi (cache hits) and pscgi-ideal side by side, one run per point:
#  a) the concurrency grid: workers (1, 2, 4, 8, 32) × connections (1, 16, 128, 512), closed
#     loop. Each point gives req/s, CPU per request and the server's wake-ups per request
#     (voluntary context switches of the master and workers, from pscgi-load): with
#     EPOLLEXCLUSIVE a new connection wakes one idle worker, not all of them, so wake-ups per
#     request stay near one (or below, when a busy worker finds the next connection waiting)
#     however many workers there are. The old "workers at 16 connections" and "connections with 2
#     workers" sweeps are the grid's row and column.
#  b) latency against offered rate, open loop (pscgi-load --rate, two client threads: one thread
#     reaches a full core near 50 000 req/s, and its own lag would then count as the server's
#     latency), 2 workers: 10% to 110% of the
#     closed-loop throughput at 16 connections from a). The client shares the machine's cores with
#     the server, and an open-loop request costs it more than a closed-loop one, so the rate the
#     whole setup sustains is lower: that highest rate pscgi kept up with is the saturation
#     (tools/saturation.py), and 80% of it is measured REPS times, pscgi and ideal interleaved;
#     the median p99 there is a target.

SCALING_WORKERS=(1 2 4 8 32)
SCALING_CONNECTIONS=(1 16 128 512)
SWEEP_FRACTIONS=(0.1 0.25 0.5 0.6 0.7 0.8 0.85 0.9 0.95 1.0 1.1)

rps_of_last_record() { "$PY" -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["result"]["rps"]))' "$REC.json"; }

scenario_6() {
  banner "6. Scaling: workers, connections, and the latency curve"
  local w c f rate rep closed_loop="" saturation
  for w in "${SCALING_WORKERS[@]}"; do
    start_ideal s6-ideal-w$w "$w" "$PAGE_HIT"
    start_pscgi s6-pscgi-w$w workers=$w
    for c in "${SCALING_CONNECTIONS[@]}"; do
      X=$c EXTRA="workers=$w" BASELINE=1 measure_load s6-ideal-w$w 6 "w$w" "pscgi-ideal" 1 -c "$c" --uri "$HIT_URI"
      X=$c EXTRA="workers=$w" measure_load s6-pscgi-w$w 6 "w$w" "pscgi hit" 1 -c "$c" --uri "$HIT_URI"
      ((w == 2 && c == 16)) && closed_loop=$(rps_of_last_record)
    done
    # The latency curve below runs on the 2-worker pair.
    ((w == 2)) && continue
    stop_server s6-ideal-w$w
    stop_server s6-pscgi-w$w
  done
  [[ -n $closed_loop ]] || die "scenario 6 needs 2 workers and 16 connections in its grid"

  for f in "${SWEEP_FRACTIONS[@]}"; do
    rate=$(awk -v s="$closed_loop" -v f="$f" 'BEGIN { printf "%d", s * f }')
    X=$rate EXTRA="fraction=$f" BASELINE=1 measure_load s6-ideal-w2 6 rate "pscgi-ideal" 1 -r "$rate" --threads 2 --uri "$HIT_URI"
    X=$rate EXTRA="fraction=$f" measure_load s6-pscgi-w2 6 rate "pscgi hit" 1 -r "$rate" --threads 2 --uri "$HIT_URI"
  done
  saturation=$("$PY" "$TOOLS/saturation.py" "$RAW")
  rate=$((saturation * 8 / 10))
  note 6 "closed loop, 16 connections: $closed_loop req/s; open-loop saturation (the highest offered rate pscgi kept up with): $saturation req/s; 80% of it: $rate req/s"
  for ((rep = 1; rep <= REPS; rep++)); do
    X=$rate EXTRA="fraction=0.8" BASELINE=1 measure_load s6-ideal-w2 6 rate80 "pscgi-ideal" "$rep" -r "$rate" --threads 2 --uri "$HIT_URI"
    X=$rate EXTRA="fraction=0.8" measure_load s6-pscgi-w2 6 rate80 "pscgi hit" "$rep" -r "$rate" --threads 2 --uri "$HIT_URI"
  done
  stop_server s6-ideal-w2
  stop_server s6-pscgi-w2
}
