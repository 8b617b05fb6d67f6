# Scenario 10: how a hit's cost grows with the size of the page: /work?kb=1, 16, 256 and 1024
# (1 KiB to 1 MiB of HTML), one pscgi worker answering from its cache (ttl 1h; max_object_bytes
# 2MiB, so the 1 MiB page is stored), against one pscgi-ideal worker per size sending the same bytes (the
# page captured from pscgi, --response-file). 2 connections; ideal and pscgi alternate, REPS times.
# A large body should cost what moving its bytes through the socket costs, and no more: pscgi
# sends the stored bytes without copying them.

BODY_SIZES_KIB=(1 16 256 1024)

scenario_10() {
  banner "10. Body size: hits of 1 KiB to 1 MiB pages against pscgi-ideal"
  local kb rep page misses dir=$RAW/body-size
  mkdir -p "$dir"
  start_pscgi s10-pscgi workers=1 max_object_bytes=2MiB max_bytes=64MiB ttl=1h metrics=on
  for kb in "${BODY_SIZES_KIB[@]}"; do
    page=$WORK_DIR/page-kb$kb.cgi
    "$PY" "$TOOLS/scgi_get.py" "${SRV_SOCK[s10-pscgi]}" "/work?kb=$kb" --out "$page"
    chmod 644 "$page"
    start_ideal s10-ideal-kb$kb 1 "$page"
  done
  # The captures stored every page: from here on each request should be a hit.
  misses=$(server_metrics s10-pscgi "$dir/filled.json" totals.cache.misses)
  for ((rep = 1; rep <= REPS; rep++)); do
    for kb in "${BODY_SIZES_KIB[@]}"; do
      X=$kb BASELINE=1 measure_load s10-ideal-kb$kb 10 body "pscgi-ideal" "$rep" -c 2 --uri "/work?kb=$kb"
      X=$kb measure_load s10-pscgi 10 body "pscgi hit" "$rep" -c 2 --uri "/work?kb=$kb"
    done
  done
  misses=$(($(server_metrics s10-pscgi "$dir/measured.json" totals.cache.misses) - misses))
  note 10 "pscgi: $misses cache misses while measuring (0: every measured request was a hit)"
  for kb in "${BODY_SIZES_KIB[@]}"; do stop_server s10-ideal-kb$kb; done
  stop_server s10-pscgi
}
