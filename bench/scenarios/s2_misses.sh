# Scenario 2: misses with an application cost, and what the cache buys.
#  a) Zipf popularity over 300 URLs of /work?ms=2 (2 ms of CPU per render), 2 workers: cache off,
#     cache on (no recycling, so the cache is the only variable), and the shipped defaults
#     (max_requests 1000 + jitter 100, ttl 10s) whose recycling empties the cache.
#  b) One worker, the same 5-byte page (SMALL_URI) served as hits, as misses (cache.enabled
#     false), and as uncacheable misses (cache on, the app marks it uncacheable), against
#     pscgi-ideal answering the same bytes.

scenario_2() {
  banner "2. Direct SCGI: misses, and the cache's speed-up"
  local rep zipf=(--zipf 300 --zipf-template '/work?ms=2&page={}')
  start_pscgi s2-off workers=2 cache=false
  start_pscgi s2-on workers=2
  start_pscgi s2-defaults workers=2 max_requests=1000 jitter=100 ttl=10s
  for ((rep = 1; rep <= REPS; rep++)); do
    BASELINE=1 measure_load s2-off 2 zipf "Zipf 300 × /work?ms=2, cache off" "$rep" -c 4 "${zipf[@]}"
    measure_load s2-on 2 zipf "Zipf 300 × /work?ms=2, cache on" "$rep" -c 4 "${zipf[@]}"
    measure_load s2-defaults 2 zipf "Zipf, cache on, shipped defaults" "$rep" -c 4 "${zipf[@]}"
  done
  stop_server s2-off
  stop_server s2-on
  stop_server s2-defaults

  start_ideal s2-ideal 1 "$PAGE_SMALL"
  start_pscgi s2-hit workers=1
  start_pscgi s2-miss workers=1 cache=false
  start_pscgi s2-uncacheable workers=1
  for ((rep = 1; rep <= REPS; rep++)); do
    BASELINE=1 measure_load s2-ideal 2 one-worker "pscgi-ideal, same 5-byte page" "$rep" -c 2 --uri "$SMALL_URI"
    measure_load s2-hit 2 one-worker "pscgi hit" "$rep" -c 2 --uri "$SMALL_URI"
    measure_load s2-miss 2 one-worker "pscgi miss (cache.enabled false)" "$rep" -c 2 --uri "$SMALL_URI"
    measure_load s2-uncacheable 2 one-worker "pscgi miss (uncacheable, cache on)" "$rep" -c 2 --uri "$UNCACHEABLE_URI"
  done
  stop_server s2-ideal
  stop_server s2-hit
  stop_server s2-miss
  stop_server s2-uncacheable
}
