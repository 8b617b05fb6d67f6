# Scenario 8: a slow CGI script behind pscgi (app type cgi), cache off vs on. The script stands for
# a legacy CGI program: a shell script that waits 50 ms (its database), then prints a 1.5 KiB page
# with Cache-Control: max-age=10. A surge on that one page (8 connections, 2 workers): with the
# cache off every request forks the shell and its sleep; with the cache on, the script runs about
# once per worker per 10 s and the rest are hits. The script appends a byte to the server's
# `renders` file per run, so each row shows how often it really ran.

CGI_URI='/page.cgi/front'

# The script, in the server's own cgi-bin/.
write_slow_cgi() {
  local dir=$1
  mkdir -p "$dir/cgi-bin"
  cat >"$dir/cgi-bin/page.cgi" <<'SCRIPT'
#!/bin/sh
# A legacy CGI program: 50 ms of waiting, then a page that may be cached for 10 s.
printf x >>"$RENDERS"
sleep 0.05
printf 'Content-Type: text/html; charset=utf-8\r\nCache-Control: max-age=10\r\n\r\n'
printf '<!DOCTYPE html>\n<html><head><title>%s</title></head><body>\n' "$PATH_INFO"
i=0
while [ $i -lt 30 ]; do
  printf '<p>Line %d of the page a slow legacy CGI script renders.</p>\n' $i
  i=$((i + 1))
done
printf '</body></html>\n'
SCRIPT
  chmod 755 "$dir/cgi-bin" "$dir/cgi-bin/page.cgi"
}

# start_pscgi_cgi NAME CACHE(true|false): pscgi with 2 workers and the CGI app over cgi-bin/.
# The config is the one start_pscgi writes, with the app section replaced.
start_pscgi_cgi() {
  local name=$1 cache=$2
  new_server_dir "$name"
  local dir=${SRV_DIR[$name]}
  write_slow_cgi "$dir"
  : >"$dir/renders"
  sed -e "s|@SOCKET@|$dir/pscgi.sock|" -e "s|@PIPELINE@|access_log, conditional, cache|" \
    -e "s|@WORKERS@|2|" -e "s|@MAX_REQUESTS@|0|" -e "s|@JITTER@|0|" -e "s|@ERROR_LOG@|$dir/error.log|" \
    -e "s|@ACCESS_LOG@|off|" -e "s|@CACHE_ENABLED@|$cache|" -e "s|@TTL@|60s|" -e "s|@MAX_ENTRIES@|~|" \
    -e "s|@MAX_BYTES@|32MiB|" -e "s|@MAX_OBJECT_BYTES@|1MiB|" -e "s|^  type: demo$|  type: cgi\n  root: $dir/cgi-bin\n  timeout: 10s\n  set_env: [RENDERS=$dir/renders]|" \
    "$TEMPLATES/pscgi.yaml.in" >"$dir/pscgi.yaml"
  grep -q '^  type: cgi$' "$dir/pscgi.yaml" || die "the pscgi template has no 'type: demo' line to replace"
  "$PSCGI" --check-config --config "$dir/pscgi.yaml" >/dev/null 2>"$dir/check.log" ||
    die "pscgi refused the generated config $dir/pscgi.yaml: $(cat "$dir/check.log")"
  "$PSCGI" --config "$dir/pscgi.yaml" >"$dir/stdout.log" 2>&1 &
  SRV_PID[$name]=$!
  own_pid "$!"
  SRV_SOCK[$name]=$dir/pscgi.sock
  SRV_SETTINGS[$name]="server=pscgi workers=2 max_requests=0 jitter=0 cache=$cache ttl=60s max_entries=~ max_bytes=32MiB pipeline=[access_log,conditional,cache] access_log=off app=cgi"
  wait_scgi_ready "$name" "$CGI_URI"
}

scenario_8() {
  banner "8. A slow CGI script behind pscgi: cache off vs on"
  local rep
  start_pscgi_cgi s8-off false
  start_pscgi_cgi s8-on true
  for ((rep = 1; rep <= REPS; rep++)); do
    BASELINE=1 measure_load s8-off 8 surge "CGI script (50 ms), cache off" "$rep" -c 8 --uri "$CGI_URI"
    measure_load s8-on 8 surge "CGI script (50 ms), cache on" "$rep" -c 8 --uri "$CGI_URI"
  done
  stop_server s8-off
  stop_server s8-on
}
