# Starting the servers a scenario measures: pscgi, pscgi-ideal, nginx and uWSGI. Sourced.
#
# Each start_* function takes a name, starts the server in $WORK_DIR/<name>/ and fills the tables
# below; it must not be called inside $( ), or the PID would belong to a subshell. Servers listen on
# unix sockets (nginx on 127.0.0.1, its own config, never the system service), and each is ready
# when it has answered one real request.

declare -A SRV_PID=()      # name -> PID of the master (what pscgi-load's --server-pid wants)
declare -A SRV_SOCK=()     # name -> unix socket path
declare -A SRV_PORT=()     # name -> TCP port (nginx servers)
declare -A SRV_SETTINGS=() # name -> "key=value ..." describing how it was started
declare -A SRV_DIR=()      # name -> its directory
declare -A SRV_METRICS=()  # name -> "on" for a pscgi started with metrics=on

# Waits until the SCGI server $1 answers $2 (default /) with a 2xx; dies with its log if it never
# does within 15 s.
wait_scgi_ready() {
  local name=$1 uri=${2:-/} i
  for ((i = 0; i < 300; i++)); do
    if [[ -S ${SRV_SOCK[$name]} ]] &&
      "$PY" "$TOOLS/scgi_get.py" --check "${SRV_SOCK[$name]}" "$uri" >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "${SRV_PID[$name]}" 2>/dev/null || break
    sleep 0.05
  done
  say "server '$name' did not become ready; its log:"
  tail -n 20 "${SRV_DIR[$name]}"/*.log >&2 || true
  exit 1
}

new_server_dir() {
  local dir=$WORK_DIR/$1
  mkdir -p "$dir"
  chmod 755 "$dir" # nginx workers may run as another user
  SRV_DIR[$1]=$dir
}

# start_pscgi NAME [key=value ...]: pscgi with the demo app. Keys (defaults in brackets):
# workers [2], max_requests [0], jitter [0], cache [true], ttl [60s], max_entries [~],
# max_bytes [32MiB], max_object_bytes [1MiB], pipeline ["access_log, conditional, cache"],
# access_log [off], metrics [off], outer [false], outer_max_ttl [pscgi's default, 1s]. metrics=on adds a
# metrics: section (the JSON at METRICS_PATH.json, for unix clients and 127.0.0.1) and puts the
# metrics stage before conditional in the pipeline. outer=true writes cache.outer (pscgi tells nginx
# in X-Accel-Expires how long it may keep each answer: an "outer:" site of start_nginx), and
# cache.outer_max_ttl when outer_max_ttl is given; without outer=true neither key is written, so
# the config is the same as before the option existed.
METRICS_PATH=/_pscgi/metrics
start_pscgi() {
  local name=$1
  shift
  local -A s=([workers]=2 [max_requests]=0 [jitter]=0 [cache]=true [ttl]=60s [max_entries]='~'
    [max_bytes]=32MiB [max_object_bytes]=1MiB [pipeline]='access_log, conditional, cache'
    [access_log]=off [metrics]=off [outer]=false [outer_max_ttl]='')
  local kv
  for kv in "$@"; do s[${kv%%=*}]=${kv#*=}; done
  # The template's @CACHE_OUTER@ line, inside its cache: section: the outer keys (GNU sed turns the
  # \n into a line break), or nothing.
  local outer_sed='/^@CACHE_OUTER@$/d' outer_settings=""
  if [[ ${s[outer]} == true ]]; then
    local outer_lines='  outer: true'
    outer_settings=" outer=true"
    if [[ -n ${s[outer_max_ttl]} ]]; then
      outer_lines+="\n  outer_max_ttl: ${s[outer_max_ttl]}"
      outer_settings+=" outer_max_ttl=${s[outer_max_ttl]}"
    fi
    outer_sed="s|^@CACHE_OUTER@\$|$outer_lines|"
  fi
  [[ ${s[metrics]} == on && ${s[pipeline]} != *metrics* ]] && s[pipeline]=${s[pipeline]/conditional/metrics, conditional}
  new_server_dir "$name"
  local dir=${SRV_DIR[$name]}
  local access=${s[access_log]}
  [[ $access == file ]] && access=$dir/access.log
  sed -e "s|@SOCKET@|$dir/pscgi.sock|" -e "s|@PIPELINE@|${s[pipeline]}|" \
    -e "s|@WORKERS@|${s[workers]}|" -e "s|@MAX_REQUESTS@|${s[max_requests]}|" \
    -e "s|@JITTER@|${s[jitter]}|" -e "s|@ERROR_LOG@|$dir/error.log|" -e "s|@ACCESS_LOG@|$access|" \
    -e "s|@CACHE_ENABLED@|${s[cache]}|" -e "s|@TTL@|${s[ttl]}|" -e "s|@MAX_ENTRIES@|${s[max_entries]}|" \
    -e "s|@MAX_BYTES@|${s[max_bytes]}|" -e "s|@MAX_OBJECT_BYTES@|${s[max_object_bytes]}|" \
    -e "$outer_sed" \
    "$TEMPLATES/pscgi.yaml.in" >"$dir/pscgi.yaml"
  if [[ ${s[metrics]} == on ]]; then
    printf 'metrics:\n  path: %s\n  allow: [127.0.0.1, unix]\n' "$METRICS_PATH" >>"$dir/pscgi.yaml"
  fi
  "$PSCGI" --check-config --config "$dir/pscgi.yaml" >/dev/null 2>"$dir/check.log" ||
    die "pscgi refused the generated config $dir/pscgi.yaml: $(cat "$dir/check.log")"
  "$PSCGI" --config "$dir/pscgi.yaml" >"$dir/stdout.log" 2>&1 &
  SRV_PID[$name]=$!
  own_pid "$!"
  SRV_SOCK[$name]=$dir/pscgi.sock
  SRV_METRICS[$name]=${s[metrics]}
  SRV_SETTINGS[$name]="server=pscgi workers=${s[workers]} max_requests=${s[max_requests]} jitter=${s[jitter]} cache=${s[cache]} ttl=${s[ttl]} max_entries=${s[max_entries]} max_bytes=${s[max_bytes]} max_object_bytes=${s[max_object_bytes]} pipeline=[${s[pipeline]// /}] access_log=${s[access_log]} metrics=${s[metrics]}$outer_settings"
  wait_scgi_ready "$name" /hello
}

# start_ideal NAME WORKERS RESPONSE_FILE: pscgi-ideal answering with the bytes of RESPONSE_FILE.
start_ideal() {
  local name=$1 workers=$2 response=$3
  new_server_dir "$name"
  local dir=${SRV_DIR[$name]}
  "$IDEAL" --listen "unix:$dir/ideal.sock" --workers "$workers" --response-file "$response" \
    --ready-file "$dir/ready" >"$dir/ideal.log" 2>&1 &
  SRV_PID[$name]=$!
  own_pid "$!"
  SRV_SOCK[$name]=$dir/ideal.sock
  SRV_SETTINGS[$name]="server=pscgi-ideal workers=$workers response_bytes=$(stat -c %s "$response")"
  wait_for_path "$dir/ready" 15 "$!" || die "pscgi-ideal '$name' did not start: $(cat "$dir/ideal.log")"
  chmod 666 "$dir/ideal.sock"
  wait_scgi_ready "$name" /
}

# start_uwsgi NAME PROCESSES PAGE_FILE CACHE(0|1): uWSGI's SCGI socket in front of the WSGI app in
# uwsgi_app.py, which answers every request with the page in PAGE_FILE (a complete CGI response).
# With CACHE=1, uWSGI's cache router answers repeated URIs from its cache2 store, and the app counts
# its renders in $dir/renders (one byte each) so the run can show the cache really hits.
# The caller may set, for this call only: UWSGI_BURN_MS (CPU each render burns, like /work?ms=N;
# default 0), UWSGI_EXPIRES (the cache router's lifetime in seconds, default 300) and UWSGI_ITEMS
# (its slots, default 1000).
start_uwsgi() {
  local name=$1 processes=$2 page=$3 cache=$4
  local burn_ms=${UWSGI_BURN_MS:-0} expires=${UWSGI_EXPIRES:-300} items=${UWSGI_ITEMS:-1000}
  new_server_dir "$name"
  local dir=${SRV_DIR[$name]} cache_lines="" count_file=""
  if ((cache)); then
    cache_lines=$(sed -e "s|@ITEMS@|$items|" -e "s|@EXPIRES@|$expires|" "$TEMPLATES/uwsgi-cache.ini.in")
    count_file=$dir/renders
    : >"$count_file"
  fi
  awk -v cache="$cache_lines" '{ if ($0 == "@CACHE@") print cache; else print }' "$TEMPLATES/uwsgi.ini.in" |
    sed -e "s|@SOCKET@|$dir/uwsgi.sock|" -e "s|@PROCESSES@|$processes|" -e "s|@APP@|$TOOLS/uwsgi_app.py|" \
      -e "s|@PAGE@|$page|" -e "s|@COUNT_FILE@|$count_file|" -e "s|@PID_FILE@|$dir/uwsgi.pid|" \
      -e "s|@BURN_MS@|$burn_ms|" >"$dir/uwsgi.ini"
  uwsgi --ini "$dir/uwsgi.ini" >"$dir/uwsgi.log" 2>&1 &
  SRV_PID[$name]=$!
  own_pid "$!"
  SRV_SOCK[$name]=$dir/uwsgi.sock
  SRV_SETTINGS[$name]="server=uwsgi processes=$processes master=1 cache_router=$cache burn_ms=$burn_ms"
  ((cache)) && SRV_SETTINGS[$name]+=" cache_expires=${expires}s"
  wait_scgi_ready "$name" /
  # The probe was a render: start counting from zero.
  [[ -n $count_file ]] && : >"$count_file"
  return 0
}

# start_nginx NAME SITE...: one nginx (master + 1 worker) with a server block on its own 127.0.0.1
# port per SITE. A SITE is "static:FILE" (FILE served for every URI: the ceiling), the name of an
# SCGI server started above (scgi_pass to its socket), "microcache:SERVER": scgi_pass to SERVER
# behind nginx's own scgi_cache, a 1 s microcache (microcache_block), or "outer:SERVER": scgi_pass
# to SERVER (a pscgi with outer=true) behind nginx's scgi_cache following pscgi's X-Accel-Expires,
# configured by the block config/nginx.conf ships (outer_block), or "outer-nolock:SERVER": the same
# without its scgi_cache_lock line. SRV_PORT["NAME/SITE"] is the port of each. MICROCACHE_INACTIVE (for this call) sets the microcache's inactive= (default 10s).
start_nginx() {
  local name=$1
  shift
  new_server_dir "$name"
  local dir=${SRV_DIR[$name]} servers="" site port outer_http=0
  local -a ports
  read -r -a ports <<<"$("$PY" "$TOOLS/free_ports.py" "$#")"
  local i=0
  for site in "$@"; do
    port=${ports[i]}
    i=$((i + 1))
    SRV_PORT["$name/$site"]=$port
    if [[ $site == static:* ]]; then
      mkdir -p "$dir/www"
      cp "${site#static:}" "$dir/www/page.html"
      chmod 644 "$dir/www/page.html"
      servers+="  server { listen 127.0.0.1:$port; location / { root $dir/www; default_type text/html; rewrite ^ /page.html break; } }"$'\n'
    elif [[ $site == microcache:* ]]; then
      servers+=$(microcache_block "$dir" "$port" "${SRV_SOCK[${site#microcache:}]}" "${MICROCACHE_INACTIVE:-10s}")$'\n'
    elif [[ $site == outer:* || $site == outer-nolock:* ]]; then
      # The block's http-level lines other than its cache path (a map) are written once.
      ((outer_http++)) || { read_outer_block && servers+=$OUTER_HTTP$'\n'; }
      servers+=$(outer_block "$dir" "$port" "${SRV_SOCK[${site#*:}]}" "${site%%:*}")$'\n'
    else
      servers+="  server { listen 127.0.0.1:$port; location / { include /etc/nginx/scgi_params; scgi_pass unix:${SRV_SOCK[$site]}; } }"$'\n'
    fi
  done
  awk -v servers="$servers" '{ if ($0 == "@SERVERS@") printf "%s", servers; else print }' "$TEMPLATES/nginx.conf.in" |
    sed -e "s|@DIR@|$dir|g" >"$dir/nginx.conf"
  "$NGINX" -p "$dir" -e "$dir/nginx-error.log" -c "$dir/nginx.conf" >"$dir/nginx-out.log" 2>&1 &
  SRV_PID[$name]=$!
  own_pid "$!"
  SRV_SETTINGS[$name]="server=nginx worker_processes=1"
  for site in "$@"; do
    port=${SRV_PORT["$name/$site"]}
    for ((i = 0; i < 300; i++)); do
      curl -s -o /dev/null -f "http://127.0.0.1:$port/hello" && break
      kill -0 "${SRV_PID[$name]}" 2>/dev/null || die "nginx exited at start: $(cat "$dir/nginx-error.log" "$dir/nginx-out.log")"
      sleep 0.05
    done
    ((i < 300)) || die "nginx site $site on port $port never answered: $(tail -n 5 "$dir/nginx-error.log")"
  done
}

# The server block of a "microcache:" site, as an operator would write it for a surge: nginx
# keeps every 200 for 1 s (scgi_cache_valid; pscgi's /work pages name no lifetime of their own),
# keyed by host and URI; one request per key goes to the backend while the others wait for it
# (scgi_cache_lock) or take the entry being refreshed (use_stale updating). An entry nobody asked
# for in INACTIVE (default 10s) is deleted.
# shellcheck disable=SC2016 # $host, $request_uri and $upstream_cache_status are nginx variables
microcache_block() {
  local dir=$1 port=$2 socket=$3 inactive=${4:-10s}
  printf '  scgi_cache_path %s levels=1:2 keys_zone=micro%s:10m max_size=256m inactive=%s use_temp_path=off;\n' \
    "$dir/microcache-$port" "$port" "$inactive"
  printf '  server { listen 127.0.0.1:%s; location / { include /etc/nginx/scgi_params; scgi_pass unix:%s;' "$port" "$socket"
  printf ' scgi_cache micro%s; scgi_cache_key $host$request_uri; scgi_cache_valid 200 1s;' "$port"
  printf ' scgi_cache_lock on; scgi_cache_use_stale updating; add_header X-Microcache $upstream_cache_status; } }'
}

# The two-level block config/nginx.conf ships, commented out between markers (docs/cache.md): its
# http part (a scgi_cache_path and a map) and its location part. The bench measures what ships, so
# it reads the lines from there, uncommented ("# " removed; lines that were "# # ..." are the
# block's comments and are left out).
OUTER_MARKERS=("# --- two cache levels (docs/cache.md) ---" "# --- end of two cache levels ---"
  "# --- two cache levels, location part ---" "# --- end of location part ---")
shipped_outer_lines() {
  awk -v start="$1" -v end="$2" '
    index($0, end) { inside = 0 }
    inside { sub(/^[ \t]*# ?/, ""); if ($0 !~ /^[ \t]*(#|$)/) print "  " $0 }
    index($0, start) { inside = 1 }' "$ROOT/config/nginx.conf"
}

# Sets OUTER_CACHE_PATH (the block's scgi_cache_path line), OUTER_ZONE (its keys_zone's name),
# OUTER_INACTIVE (its inactive=), OUTER_HTTP (its other http-level lines) and OUTER_LOCATION (the
# location part) from config/nginx.conf; dies when the block is not there. Not to be called
# inside $( ).
read_outer_block() {
  local http
  http=$(shipped_outer_lines "${OUTER_MARKERS[0]}" "${OUTER_MARKERS[1]}")
  OUTER_LOCATION=$(shipped_outer_lines "${OUTER_MARKERS[2]}" "${OUTER_MARKERS[3]}")
  OUTER_CACHE_PATH=$(grep -E '^ *scgi_cache_path ' <<<"$http" || true)
  OUTER_HTTP=$(grep -vE '^ *scgi_cache_path ' <<<"$http" || true)
  OUTER_ZONE=$(sed -n 's/.* keys_zone=\([^: ]*\):.*/\1/p' <<<"$OUTER_CACHE_PATH")
  OUTER_INACTIVE=$(sed -n 's/.* inactive=\([^ ;]*\).*/\1/p' <<<"$OUTER_CACHE_PATH")
  [[ $(wc -l <<<"$OUTER_CACHE_PATH") -eq 1 && -n $OUTER_ZONE && -n $OUTER_LOCATION ]] ||
    die "config/nginx.conf has no two-level block (one scgi_cache_path between \"${OUTER_MARKERS[0]}\" and \"${OUTER_MARKERS[1]}\", a location part between \"${OUTER_MARKERS[2]}\" and \"${OUTER_MARKERS[3]}\")"
  grep -qE "^ *scgi_cache $OUTER_ZONE;" <<<"$OUTER_LOCATION" ||
    die "config/nginx.conf's two-level location part does not use its zone $OUTER_ZONE"
}

# The server block of an "outer:" site: the shipped block (read_outer_block, called first), with
# the cache's directory and zone made this site's own, so that several such sites and the other
# sites of one nginx do not share a cache. It names no lifetime: nginx keeps what pscgi's
# X-Accel-Expires allows, for as long as it says. KIND outer-nolock leaves scgi_cache_lock out.
outer_block() {
  local dir=$1 port=$2 socket=$3 kind=${4:-outer} drop='^$'
  [[ $kind == outer-nolock ]] && drop='^ *scgi_cache_lock '
  # The path is the directive's first argument.
  sed -E -e "s|^( *scgi_cache_path )[^ ]+|\1$dir/outer-$port|" -e "s| keys_zone=$OUTER_ZONE:| keys_zone=outer$port:|" \
    <<<"$OUTER_CACHE_PATH"
  printf '  server {\n    listen 127.0.0.1:%s;\n    location / {\n' "$port"
  printf '      include /etc/nginx/scgi_params;\n      scgi_pass unix:%s;\n' "$socket"
  sed -E -e "\|$drop|d" -e "s|^( *scgi_cache )$OUTER_ZONE;|\1outer$port;|" -e 's/^/    /' <<<"$OUTER_LOCATION"
  printf '    }\n  }'
}

# Stops a server by name (gracefully: TERM) and forgets it.
stop_server() {
  local name=$1
  [[ -n ${SRV_PID[$name]:-} ]] || return 0
  stop_pid "${SRV_PID[$name]}" 30 || true
  unset "SRV_PID[$name]"
}
