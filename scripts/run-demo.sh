#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs the main job: nginx on 127.0.0.1:8080 in
# front of pscgi on a unix socket, serving the demo app. Ctrl-C stops both.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh"
PSCGI_BUILD_TYPE=Release bash "$root/scripts/build.sh" -DPSCGI_BUILD_TESTS=OFF

run_dir=${PSCGI_RUN_DIR:-$root/.run}
mkdir -p "$run_dir"
chmod 755 "$run_dir"
socket=$run_dir/pscgi.sock
sed -e "s|^listen: .*|listen: unix:$socket|" -e 's|^socket_mode: .*|socket_mode: "0666"|' \
    "$root/config/pscgi.yaml" > "$run_dir/pscgi.yaml"
sed -e "s|unix:/run/pscgi/pscgi.sock|unix:$socket|" "$root/config/nginx.conf" > "$run_dir/site.conf"
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

"$root/build/pscgi" --check-config --config "$run_dir/pscgi.yaml" >/dev/null
"$root/build/pscgi" --config "$run_dir/pscgi.yaml" &
pscgi_pid=$!
for _ in $(seq 100); do [[ -S $socket ]] && break; sleep 0.1; done
/usr/sbin/nginx -p "$run_dir" -e "$run_dir/nginx-error.log" -c "$run_dir/nginx.conf" &
nginx_pid=$!
# Once only: a second TERM would make pscgi's stop immediate.
stop() {
  trap - INT TERM EXIT
  kill -TERM "$nginx_pid" "$pscgi_pid" 2>/dev/null || true
  wait "$nginx_pid" "$pscgi_pid" 2>/dev/null || true
}
trap stop INT TERM EXIT
echo "pscgi (pid $pscgi_pid) behind nginx (pid $nginx_pid): http://127.0.0.1:8080/  — Ctrl-C to stop"
wait "$pscgi_pid"
