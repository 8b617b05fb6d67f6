#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs the main job: nginx on 127.0.0.1:8080 in
# front of pscgi on a unix socket, serving this checkout's docs/ as a web site with the pages app
# (`app: { type: pages }`), with two cache levels: nginx's scgi_cache in front, told by pscgi what
# it may keep (cache.outer, docs/cache.md). It says so only once the front page came back through
# nginx, rendered (200 and a heading), and once from nginx's cache; then it stays in the
# foreground; Ctrl-C stops both.
#   --check   start, check that the front page renders through nginx, stop (exit 0 only then)
# PSCGI_DEMO_PORT (8080) and PSCGI_RUN_DIR (/tmp/pscgi-demo-USER) change the port and the directory
# that holds the socket, the generated configs and the logs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
case ${1:-} in
  --check) check_only=1 ;;
  "") check_only=0 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
port=${PSCGI_DEMO_PORT:-8080}
page=http://127.0.0.1:$port/

# Only the server: build.sh configures build/ exactly as test.sh does, so neither redoes the other.
bash "$root/scripts/build.sh" --target pscgi_server
pscgi=${PSCGI_BUILD_DIR:-$root/build}/pscgi

# The run directory is not in the checkout. Started by root with no `user` directive, nginx runs
# its workers as nobody, and nobody cannot reach a socket under /root (0700 on Debian): every page
# would be a 502. A directory of our own under /tmp, mode 0755, is reachable from any checkout
# location. An ordinary user's nginx cannot switch users, so its workers run as that user and
# reach it too. (`user root;` would also work, but it teaches running web workers as root.)
run_dir=${PSCGI_RUN_DIR:-/tmp/pscgi-demo-$(id -un)}
socket=$run_dir/pscgi.sock
pscgi_pid='' nginx_pid='' tail_pid=''

# Says what went wrong and shows the log lines that tell why, then exits (the EXIT trap stops both).
fail() {
  echo >&2
  echo "run-demo: FAILED: $*" >&2
  local log
  for log in "$run_dir/nginx-error.log" "$run_dir/pscgi.log"; do
    [[ -s $log ]] || continue
    echo "--- last lines of $log" >&2
    tail -n 15 "$log" >&2
  done
  if grep -qs 'connect() to unix:.*(13: Permission denied)' "$run_dir/nginx-error.log"; then
    echo "--- nginx's workers may not open $socket: every directory above it must be" \
         "searchable by them (nobody when started by root), and the socket writable" >&2
  fi
  exit 1
}

# How a child that is gone ended, from its wait status.
how_it_ended() {
  local status=$1
  if ((status > 128)); then echo "killed by SIG$(kill -l $((status - 128)))"; else echo "exit status $status"; fi
}
# Fails with how a child of ours ended (wait is ours: a $( ) subshell could not reap it).
died() { local status=0; wait "$2" 2>/dev/null || status=$?; fail "$1 exited${3:-} ($(how_it_ended "$status"))"; }

stop() {
  trap - INT TERM HUP EXIT
  local pid
  for pid in $tail_pid $nginx_pid $pscgi_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $tail_pid $nginx_pid $pscgi_pid; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 0' INT TERM
trap 'exit 129' HUP

prepare_run_dir() {
  mkdir -p "$run_dir"
  [[ -d $run_dir && ! -L $run_dir && -O $run_dir ]] || fail "$run_dir is not a directory of yours"
  chmod 0755 "$run_dir"
  if [[ $(id -u) -eq 0 ]] && ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$run_dir"; then
    fail "nginx's workers (user nobody) cannot reach $run_dir: pick a PSCGI_RUN_DIR outside /root"
  fi
  rm -f "$run_dir"/*.log
  # config/pscgi.yaml runs the demo app (the tests and the bench use it); here pscgi serves the docs
  # instead. Its app section is last: everything from `app:` on is replaced.
  grep -q '^app:' "$root/config/pscgi.yaml" || fail "config/pscgi.yaml has no app: section any more"
  grep -q '^  outer: false$' "$root/config/pscgi.yaml" || fail "config/pscgi.yaml has no cache.outer any more"
  sed -e "s|^listen: .*|listen: unix:$socket|" -e 's|^socket_mode: .*|socket_mode: "0666"|' -e '/^app:/,$d' \
      -e 's|^  outer: false$|  outer: true|' "$root/config/pscgi.yaml" > "$run_dir/pscgi.yaml"
  # An absolute path, so the config works whatever directory pscgi starts in. nginx never reads the
  # pages (pscgi does, as this user), so only the socket has to be reachable by nginx's workers.
  local docs=$root/docs
  local docs_yaml=${docs//\'/\'\'}  # a single-quoted YAML scalar: a quote is written twice
  cat >> "$run_dir/pscgi.yaml" <<YAML
# The main job: this checkout's documentation as a web site (docs/apps.md, "The Markdown site").
app:
  type: pages
  root: '$docs_yaml'
  title: pscgi
YAML
  sed -e "s|unix:/run/pscgi/pscgi.sock|unix:$socket|" -e "s|listen 127.0.0.1:8080;|listen 127.0.0.1:$port;|" \
      "$root/config/nginx.conf" | with_two_cache_levels > "$run_dir/site.conf"
  grep -q "listen 127.0.0.1:$port;" "$run_dir/site.conf" || fail "config/nginx.conf no longer listens on 127.0.0.1:8080"
  grep -q "^ *scgi_cache pscgi;" "$run_dir/site.conf" || fail "config/nginx.conf has no two cache levels block any more"
  cat > "$run_dir/nginx.conf" <<NGINX
daemon off;
worker_processes auto;
pid $run_dir/nginx.pid;
error_log $run_dir/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $run_dir/nginx-body;
    proxy_temp_path $run_dir/nginx-proxy;
    fastcgi_temp_path $run_dir/nginx-fastcgi;
    uwsgi_temp_path $run_dir/nginx-uwsgi;
    scgi_temp_path $run_dir/nginx-scgi;
    include $run_dir/site.conf;
}
NGINX
}

# Uncomments the marked blocks of config/nginx.conf, as docs/deployment.md tells operators to
# ("# " goes from the start of each line between the markers; "# # " lines stay comments), with the
# cache directory in the run directory.
with_two_cache_levels() {
  awk -v cache="$run_dir/nginx-cache" '
    /^ *# --- end of / { inside = 0; next }
    /^ *# --- two cache levels/ { inside = 1; next }
    inside { sub(/# /, ""); if ($1 == "scgi_cache_path") $2 = cache }
    { print }'
}

# Both run in sessions of their own, so Ctrl-C reaches only this script, which stops each once, by
# pid: a second signal would turn pscgi's graceful stop into an immediate one.
start_both() {
  local output
  output=$("$pscgi" --check-config --config "$run_dir/pscgi.yaml" 2>&1) || fail "the generated pscgi.yaml is invalid: $output"
  setsid "$pscgi" --config "$run_dir/pscgi.yaml" >"$run_dir/pscgi.log" 2>&1 &
  pscgi_pid=$!
  for _ in $(seq 100); do
    [[ -S $socket ]] && break
    kill -0 "$pscgi_pid" 2>/dev/null || died pscgi "$pscgi_pid" " during startup"
    sleep 0.1
  done
  [[ -S $socket ]] || fail "pscgi made no socket at $socket within 10 s"
  setsid /usr/sbin/nginx -p "$run_dir" -e "$run_dir/nginx-error.log" -c "$run_dir/nginx.conf" \
    >>"$run_dir/nginx-error.log" 2>&1 &
  nginx_pid=$!
}

# Polls the front page for up to 10 s (a dead server ends the wait at once), then checks that it is
# the rendered docs/index.md: a page with a heading. Leaves its <title> in $page_title.
expect_front_page() {
  local status='' body
  for _ in $(seq 100); do
    status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$page" || true)
    [[ $status == 200 ]] && break
    kill -0 "$nginx_pid" 2>/dev/null || died nginx "$nginx_pid"
    kill -0 "$pscgi_pid" 2>/dev/null || died pscgi "$pscgi_pid"
    sleep 0.1
  done
  [[ $status == 200 ]] || fail "$page answered ${status:-nothing} instead of 200 within 10 s"
  body=$(curl -s --max-time 5 "$page") || fail "$page answered 200 once, then nothing"
  grep -q '<h1[ >]' <<<"$body" || fail "$page answered 200 but is no rendered page (no <h1>): ${body:0:300}"
  page_title=$(sed -n 's|.*<title>\(.*\)</title>.*|\1|p' <<<"$body")
}

# The second level: within 4 s a repeat of the front page is answered by nginx's cache (its entries
# live until the end of the second after the one they were stored in: cache.outer_max_ttl 1 s), and pscgi's X-Accel-Expires never
# reaches the client.
expect_nginx_cache_hit() {
  local head
  for _ in $(seq 80); do
    head=$(curl -s -D - -o /dev/null --max-time 2 "$page") || fail "$page stopped answering"
    grep -qi '^X-Accel-Expires' <<<"$head" && fail "nginx passed X-Accel-Expires on to the client: $head"
    grep -qi '^Cache-Status: nginx; hit' <<<"$head" && return 0
    sleep 0.05
  done
  fail "nginx's cache never answered $page in 4 s (two cache levels); last answer: $head"
}

# The pool's figures: Prometheus text through nginx (127.0.0.1 is in metrics.allow), and `pscgi
# status` on the socket as a local tool. Leaves the metrics address in $metrics_url.
expect_metrics() {
  local path body output
  path=$(sed -n '/^metrics:/,/^[^ #]/s/^  path: *//p' "$run_dir/pscgi.yaml")
  [[ -n $path ]] || fail "config/pscgi.yaml has no metrics.path any more"
  metrics_url=http://127.0.0.1:$port$path
  body=$(curl -s --max-time 5 "$metrics_url") || fail "$metrics_url did not answer"
  grep -q '^pscgi_requests_total{slot=' <<<"$body" || fail "$metrics_url answered no pscgi_requests_total: ${body:0:300}"
  output=$("$pscgi" status --config "$run_dir/pscgi.yaml" 2>&1) || fail "pscgi status failed: $output"
}

prepare_run_dir
# Another server on the port would answer our check in nginx's place.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  fail "something already listens on 127.0.0.1:$port (an earlier demo still running?);" \
       "stop it, or pick another port with PSCGI_DEMO_PORT"
fi
start_both
page_title='' metrics_url=''
expect_front_page
expect_nginx_cache_hit
expect_metrics

if ((check_only)); then
  echo "run-demo: OK: $page rendered \"$page_title\" through nginx (pid $nginx_pid) and pscgi (pid $pscgi_pid)," \
       "and from nginx's cache; $metrics_url and pscgi status answered"
  exit 0
fi
echo "pscgi (pid $pscgi_pid) behind nginx (pid $nginx_pid) serves $root/docs, with nginx's cache in front (docs/cache.md):"
echo "open http://127.0.0.1:$port/ (\"$page_title\")."
echo "Metrics: $metrics_url (Prometheus text; add .json for JSON)."
echo "The workers, live: $pscgi status --config $run_dir/pscgi.yaml --watch"
echo "Logs and configs in $run_dir. Ctrl-C stops both. pscgi's log follows:"
tail -n +1 -f --pid="$pscgi_pid" "$run_dir/pscgi.log" &
tail_pid=$!
status=0
wait -n "$pscgi_pid" "$nginx_pid" || status=$?
kill -0 "$nginx_pid" 2>/dev/null || fail "nginx exited ($(how_it_ended "$status"))"
fail "pscgi exited ($(how_it_ended "$status"))"
