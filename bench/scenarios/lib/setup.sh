# Before and after the scenarios: the tools, the Release build, the pages every server serves, the
# notes the report prints under a scenario, and the plots. Sourced by bench/run.sh.

# The URIs measured. HIT_URI is a 1 KiB HTML page; SMALL_URI a 5-byte one from a trivial handler.
HIT_URI='/work?kb=1'
SMALL_URI='/respond?body=hello'
UNCACHEABLE_URI='/respond?body=hello&nocache=1'

# select_scenarios "2,5" -> "2,5" checked and sorted; "" -> every scenario of ALL_SCENARIOS (those
# of OPT_IN_SCENARIOS run only when named).
select_scenarios() {
  local list=${1:-$(
    IFS=,
    echo "${ALL_SCENARIOS[*]}"
  )} n
  local -A seen=()
  local known=()
  mapfile -t known < <(printf '%s\n' "${ALL_SCENARIOS[@]}" "${OPT_IN_SCENARIOS[@]}" | sort -n)
  for n in ${list//,/ }; do
    [[ " ${known[*]} " == *" $n "* ]] || die "--only: '$n' is not a scenario (1 to ${known[-1]})"
    seen[$n]=1
  done
  local sorted=()
  for n in "${known[@]}"; do [[ -n ${seen[$n]:-} ]] && sorted+=("$n"); done
  ((${#sorted[@]})) || die "--only: no scenario given"
  (
    IFS=,
    echo "${sorted[*]}"
  )
}

# note SCENARIO TEXT: a line the report prints under that scenario's table (a skip, a check).
note() {
  say "  note: $2"
  "$PY" -c 'import json, sys; print(json.dumps({"scenario": sys.argv[1], "text": sys.argv[2]}))' "$1" "$2" \
    >>"$OUT/notes.jsonl"
}

# Installs what is missing from Debian's packages (scripts/install-deps.sh for the base set, then
# each benchmark package on its own, so one that cannot be installed does not stop the others),
# then records which optional tools are there: HAVE_WRK, HAVE_GNUPLOT, HAVE_UWSGI.
ensure_tools() {
  PY=/usr/bin/python3
  [[ -x $PY ]] || PY=$(command -v python3) || die "python3 is needed (Debian package python3)"
  local -A package_of=([wrk]=wrk [gnuplot]=gnuplot-nox [uwsgi]=uwsgi [cmake]=cmake [curl]=curl)
  local missing=() cmd
  for cmd in "${!package_of[@]}"; do command -v "$cmd" >/dev/null || missing+=("${package_of[$cmd]}"); done
  [[ -x /usr/sbin/nginx ]] || command -v nginx >/dev/null || missing+=(nginx-light)
  [[ -f /usr/lib/uwsgi/plugins/python3_plugin.so ]] || missing+=(uwsgi-plugin-python3)
  if ((${#missing[@]})) && ((DO_INSTALL)); then
    say "installing from Debian: ${missing[*]}"
    bash "$ROOT/scripts/install-deps.sh" || say "scripts/install-deps.sh failed; going on with what is installed"
    local sudo_cmd=() p
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    for p in wrk gnuplot-nox uwsgi uwsgi-plugin-python3; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && continue
      DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$p" ||
        say "could not install $p from Debian"
    done
  fi
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  [[ -x $NGINX ]] || die "nginx is needed (Debian package nginx-light)"
  command -v curl >/dev/null || die "curl is needed (Debian package curl)"
  command -v cmake >/dev/null || ((!DO_BUILD)) || die "cmake is needed to build (Debian package cmake)"
  HAVE_WRK=0 HAVE_GNUPLOT=0 HAVE_UWSGI=0
  command -v wrk >/dev/null && HAVE_WRK=1
  command -v gnuplot >/dev/null && HAVE_GNUPLOT=1
  if command -v uwsgi >/dev/null && [[ -f /usr/lib/uwsgi/plugins/python3_plugin.so &&
    -f /usr/lib/uwsgi/plugins/router_cache_plugin.so ]]; then
    HAVE_UWSGI=1
  fi
  ((HAVE_WRK)) || say "wrk is not installed: the scenarios through nginx (3, and 4's second half) are skipped"
  ((HAVE_GNUPLOT)) || say "gnuplot is not installed: no plots"
  ((HAVE_UWSGI)) || say "uWSGI with its python3 and router_cache plugins is not installed: scenario 4 is skipped"
  return 0
}

# Configures and builds pscgi, pscgi-ideal and pscgi-load in Release into build-bench/.
build_binaries() {
  PSCGI=$BUILD_DIR/pscgi
  IDEAL=$BUILD_DIR/bench/pscgi-ideal
  LOAD=$BUILD_DIR/bench/pscgi-load
  if ((DO_BUILD)); then
    local generator=()
    [[ ! -f $BUILD_DIR/CMakeCache.txt ]] && command -v ninja >/dev/null && generator=(-G Ninja)
    say "building (Release) in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DPSCGI_BUILD_BENCH=ON -DPSCGI_BUILD_TESTS=OFF >"$OUT/build.log" 2>&1 ||
      die "cmake configure failed: see $OUT/build.log"
    cmake --build "$BUILD_DIR" -j2 --target pscgi pscgi-ideal pscgi-load >>"$OUT/build.log" 2>&1 ||
      die "build failed: see $OUT/build.log"
  fi
  local b
  for b in "$PSCGI" "$IDEAL" "$LOAD"; do [[ -x $b ]] || die "$b is missing (run without --no-build)"; done
  grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$BUILD_DIR/CMakeCache.txt" ||
    die "$BUILD_DIR is not a Release build: measure Release builds only"
}

# Captures, from a throw-away pscgi, the exact bytes every other server will serve: PAGE_HIT (the
# CGI response to HIT_URI), BODY_HIT (its body, for nginx's static file) and PAGE_SMALL.
capture_pages() {
  start_pscgi pages workers=1
  PAGE_HIT=$WORK_DIR/page-hit.cgi
  PAGE_SMALL=$WORK_DIR/page-small.cgi
  BODY_HIT=$WORK_DIR/page-hit.html
  "$PY" "$TOOLS/scgi_get.py" "${SRV_SOCK[pages]}" "$HIT_URI" --out "$PAGE_HIT"
  "$PY" "$TOOLS/scgi_get.py" "${SRV_SOCK[pages]}" "$SMALL_URI" --out "$PAGE_SMALL"
  "$PY" "$TOOLS/scgi_get.py" "${SRV_SOCK[pages]}" "$UNCACHEABLE_URI" --out "$WORK_DIR/page-uncacheable.cgi"
  cmp -s "$PAGE_SMALL" "$WORK_DIR/page-uncacheable.cgi" ||
    say "warning: $UNCACHEABLE_URI and $SMALL_URI do not answer the same bytes"
  "$PY" -c 'import sys; sys.stdout.buffer.write(open(sys.argv[1], "rb").read().partition(b"\r\n\r\n")[2])' \
    "$PAGE_HIT" >"$BODY_HIT"
  chmod 644 "$PAGE_HIT" "$PAGE_SMALL" "$BODY_HIT"
  stop_server pages
}

make_plots() {
  ((HAVE_GNUPLOT)) || return 0
  compgen -G "$OUT/plots/*.dat" >/dev/null || return 0
  gnuplot -e "dir='$OUT'" "$SCENARIOS_DIR/plots.gp" 2>"$OUT/gnuplot.log" ||
    say "gnuplot failed: see $OUT/gnuplot.log"
}
