# Scenario 13: two cache levels (issue 13). The surge of scenario 11 (a Zipf load, s = 1, over
# 1 000 pages of /work?ms=2, through nginx with wrk and tools/wrk_zipf.lua), every backend a pscgi
# with 2 workers and its cache on, as scenario 11's row without recycling (ttl 10s, max_entries
# 1000: the whole hot set fits, metrics on so each row says how many requests reached the app):
#  - pscgi's cache only: nginx passes every request on (plain scgi_pass);
#  - nginx's microcache written by hand (servers.sh microcache_block: every 200 kept 1 s, lock,
#    use_stale updating) in front of pscgi's cache: what an operator would run by hand. Its
#    entries are deleted after the same inactive= as the shipped block's (scenario 11's 10 s would
#    empty it between two repetitions, and only the lifetimes should differ);
#  - two levels: nginx's scgi_cache with the block config/nginx.conf ships (servers.sh
#    outer_block: no lifetime of its own) in front of pscgi with cache.outer on, outer_max_ttl 1s
#    (the default), so nginx keeps what pscgi's rules allow for as long as X-Accel-Expires says;
#  - the same with outer_max_ttl 2s. nginx counts scgi_cache_valid in whole seconds from the
#    current one, so "1s" keeps an entry 1 to 2 s, while pscgi's "@second" form keeps it at most
#    outer_max_ttl (0 to 1 s with 1s, 1 to 2 s with 2s): the 2s row is the like-for-like one.
# The microcache row is each repetition's base: the target compares the two levels with it.
# Then what the outer block costs a page pscgi does not let nginx keep (X-Accel-Expires: 0, here the
# demo app's uncacheable trivial page, UNCACHEABLE_URI): the same pscgi (cache.outer on) behind a
# plain scgi_pass (the base), behind the outer block, and behind the outer block without its
# scgi_cache_lock line, the URI alone on 16 connections. nginx remembers nothing of an answer it
# may not keep, so with the lock every request for that URI waits for the one before it, and a
# waiter looks again only every 500 ms.

# The pages and their URIs are scenario 11's (SURGE_PAGES, SURGE_TEMPLATE in s11_surge.sh, which
# run.sh sources with every scenario).

scenario_13() {
  banner "13. Two cache levels: the surge of scenario 11 through nginx's cache and pscgi's"
  if ((!HAVE_WRK)); then
    note 13 "skipped: wrk is not installed (Debian package wrk)"
    return 0
  fi
  local rep backend=(workers=2 ttl=10s "max_entries=$SURGE_PAGES" metrics=on)
  start_pscgi s13-plain "${backend[@]}"
  start_pscgi s13-micro "${backend[@]}"
  start_pscgi s13-outer "${backend[@]}" outer=true
  start_pscgi s13-outer2 "${backend[@]}" outer=true outer_max_ttl=2s
  read_outer_block
  MICROCACHE_INACTIVE=$OUTER_INACTIVE start_nginx s13-nginx s13-plain microcache:s13-micro \
    outer:s13-outer outer:s13-outer2 s13-outer outer-nolock:s13-outer
  local -x ZIPF_PAGES=$SURGE_PAGES ZIPF_TEMPLATE=$SURGE_TEMPLATE
  # wrk's URL names only the server: the script draws each request's URI.
  local label='/work?ms=2' zipf=$TOOLS/wrk_zipf.lua
  for ((rep = 1; rep <= REPS; rep++)); do
    WRK_SCRIPT=$zipf measure_wrk s13-nginx s13-plain 13 levels "pscgi cache only" "$rep" "$label"
    WRK_SCRIPT=$zipf BASELINE=1 measure_wrk s13-nginx microcache:s13-micro 13 levels \
      "nginx microcache by hand" "$rep" "$label"
    WRK_SCRIPT=$zipf measure_wrk s13-nginx outer:s13-outer 13 levels "two levels (cache.outer)" "$rep" "$label"
    WRK_SCRIPT=$zipf measure_wrk s13-nginx outer:s13-outer2 13 levels "two levels, outer_max_ttl 2s" "$rep" "$label"
  done
  for ((rep = 1; rep <= REPS; rep++)); do
    BASELINE=1 measure_wrk s13-nginx s13-outer 13 uncacheable "uncacheable page, plain scgi_pass" "$rep" "$UNCACHEABLE_URI"
    measure_wrk s13-nginx outer:s13-outer 13 uncacheable "uncacheable page, outer block" "$rep" "$UNCACHEABLE_URI"
    measure_wrk s13-nginx outer-nolock:s13-outer 13 uncacheable "uncacheable page, outer block without the lock" \
      "$rep" "$UNCACHEABLE_URI"
  done
  stop_server s13-nginx
  stop_server s13-plain
  stop_server s13-micro
  stop_server s13-outer
  stop_server s13-outer2
}
