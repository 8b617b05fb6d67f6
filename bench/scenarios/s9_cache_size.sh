# Scenario 9: how a hit's cost grows with the number of entries in the cache (the lookup is a hash
# table: it should not). One worker per size, each cache first filled with N distinct 1 KiB pages
# (/work?kb=1&page=1..N, each requested once, in order), then hits over all N pages in uniform
# random order (a different seed per repetition), 2 connections. max_entries and max_bytes are
# far above the largest N and ttl is 1 h, so nothing is evicted or expires; the metrics JSON says
# how many entries each cache holds and whether any measured request missed. The sizes alternate,
# REPS times; ratios are against the 100-entry cache measured just before.

CACHE_SIZES=(100 10000 100000)
CACHE_SIZE_TEMPLATE='/work?kb=1&page={}'

scenario_9() {
  banner "9. Cache size: a hit with 100, 10 000 and 100 000 entries"
  local n rep entries entries_before misses_before misses_after dir=$RAW/cache-size
  local -A misses_filled=()
  mkdir -p "$dir"
  for n in "${CACHE_SIZES[@]}"; do
    start_pscgi s9-n$n workers=1 max_entries=200000 max_bytes=512MiB ttl=1h metrics=on
    # The readiness probe (/hello) is already stored: count what the fill adds.
    entries_before=$(server_metrics s9-n$n "$dir/n$n-started.json" totals.cache.entries)
    fill_cache s9-n$n "$n" "$CACHE_SIZE_TEMPLATE"
    entries=$(server_metrics s9-n$n "$dir/n$n-filled.json" totals.cache.entries)
    ((entries - entries_before == n)) ||
      note 9 "warning: the fill of $n pages added $((entries - entries_before)) entries to the cache"
    misses_filled[$n]=$(server_metrics s9-n$n "$dir/n$n-filled.json" totals.cache.misses)
  done
  for ((rep = 1; rep <= REPS; rep++)); do
    for n in "${CACHE_SIZES[@]}"; do
      BASELINE=$( ((n == CACHE_SIZES[0])) && echo 1) EXTRA="entries=$n" \
        measure_load s9-n$n 9 size "$n entries" "$rep" -c 2 --seed "$rep" \
        --zipf "$n" --zipf-s 0 --zipf-template "$CACHE_SIZE_TEMPLATE"
    done
  done
  for n in "${CACHE_SIZES[@]}"; do
    misses_before=${misses_filled[$n]}
    misses_after=$(server_metrics s9-n$n "$dir/n$n-measured.json" totals.cache.misses)
    entries=$(server_metrics s9-n$n "$dir/n$n-measured.json" totals.cache.entries)
    note 9 "$n pages: $entries entries in the cache after the runs (the pages and /hello), $((misses_after - misses_before)) misses while measuring (0: every measured request was a hit)"
    stop_server s9-n$n
  done
}
