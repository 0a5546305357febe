#!/usr/bin/env bash
# The peer's measurement (../shared/peer/indico/bench.sh), for any server, so that Indico and bphub are
# measured the same way: per page 3 warm-up GETs, then `wrk -t2 -c$C -d${D}s --timeout 30s`, then
# `wrk -t1 -c1 -d10s` (unloaded latency), both with the peer's report.lua; the RSS of the gunicorn master
# and its workers sampled every 0.5 s during the loaded run. Same wrk, same flags, no Accept-Encoding
# (uncompressed responses, as in the peer's figures); the compressed size is measured apart with curl.
#
# Usage: wrk-pages.sh BASE GUNICORN_PIDFILE PAGES_FILE OUT_TSV   (a markdown table on stdout)
#   PAGES_FILE: one page a line, "name|path|cookie" (cookie optional, e.g. "__Host-sessionid=KEY")
#   env: D (30), C (8), D1 (10), HEADER (one extra header on every request, e.g. "X-Forwarded-Proto: https"),
#        REPORT_LUA (default: the peer's report.lua), IDLE_BUSY (15) and IDLE_WAIT (120): before each page, wait
#        at most IDLE_WAIT s until other work uses under IDLE_BUSY % of the CPU (the figure is recorded)
# OUT_TSV gets one line per page: name path status bytes gzip_bytes rps p50 p90 p99 max non2xx sock_err
#   rps1 p50_1 p99_1 rss_total_peak_kib rss_workers_peak_kib rss_max_worker_kib busy_pct_before tests_during
#   (tests_during: the most pytest processes seen running at once during the loaded run: other work on the
#   machine that the figures then include)
set -uo pipefail
BASE=$1; PIDFILE=$2; PAGES=$3; TSV=$4
HERE=$(cd "$(dirname "$0")" && pwd)
D=${D:-30}; C=${C:-8}; D1=${D1:-10}
REPORT_LUA=${REPORT_LUA:-$HERE/../../../shared/peer/indico/report.lua}
[ -f "$REPORT_LUA" ] || { echo "no report.lua at $REPORT_LUA" >&2; exit 1; }
MASTER=$(cat "$PIDFILE")
children() { pgrep -P "$MASTER"; }
rss_of() { ps -o rss= -p "$1" 2>/dev/null | tr -d ' ' || true; }
rss_total() { local t=0 r; for p in $MASTER $(children); do r=$(rss_of "$p"); t=$((t + ${r:-0})); done; echo $t; }
rss_workers() { local t=0 r; for p in $(children); do r=$(rss_of "$p"); t=$((t + ${r:-0})); done; echo $t; }
rss_max_worker() { local m=0 r; for p in $(children); do r=$(rss_of "$p"); r=${r:-0}; [ "$r" -gt "$m" ] && m=$r; done; echo "$m"; }
H=(); [ -n "${HEADER:-}" ] && H=(-H "$HEADER")
IDLE_BUSY=${IDLE_BUSY:-15}; IDLE_WAIT=${IDLE_WAIT:-120}
cpu_counters() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
wait_for_quiet() {  # prints the machine's CPU use (%) over the last 2 s once under IDLE_BUSY or after IDLE_WAIT s
  local waited=0 a b busy
  while :; do
    read -r -a a < <(cpu_counters); sleep 2; read -r -a b < <(cpu_counters)
    busy=$(( 100 * (b[0] - a[0]) / (b[1] - a[1] + 1) ))
    if [ "$busy" -lt "$IDLE_BUSY" ] || [ "$waited" -ge "$IDLE_WAIT" ]; then echo "$busy"; return; fi
    waited=$((waited + 2))
  done
}
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), wrk ${D}s x ${C} conns; gunicorn RSS (master+workers) $(rss_total) KiB at start"
echo "| page | status | bytes/resp | gzip bytes | rps (c=$C) | p50 ms | p90 ms | p99 ms | p50 ms (c=1) | p99 ms (c=1) | rps (c=1) | RSS total peak MiB | workers peak MiB | max worker MiB | CPU busy before % | test runs during |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
: > "$TSV"
while IFS='|' read -r name path cookie; do
  [ -z "$name" ] && continue
  A=("${H[@]}"); [ -n "$cookie" ] && A+=(-H "Cookie: $cookie")
  for _ in 1 2 3; do curl -s -o /dev/null "${A[@]}" "$BASE$path"; done
  read -r code size < <(curl -s -o /dev/null -w '%{http_code} %{size_download}\n' "${A[@]}" "$BASE$path")
  gz=$(curl -s -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "${A[@]}" "$BASE$path")
  busy=$(wait_for_quiet)
  PEAKF=$(mktemp); echo "0 0 0 0" > "$PEAKF"
  ( pk=0; pw=0; pm=0; pt=0
    while :; do
      t=$(rss_total); w=$(rss_workers); m=$(rss_max_worker); n=$(pgrep -fc 'pytest' || true)
      [ "$t" -gt "$pk" ] && pk=$t; [ "$w" -gt "$pw" ] && pw=$w; [ "$m" -gt "$pm" ] && pm=$m; [ "${n:-0}" -gt "$pt" ] && pt=$n
      echo "$pk $pw $pm $pt" > "$PEAKF"; sleep 0.5
    done ) &
  SPID=$!
  R8=$(wrk -t2 -c"$C" -d"${D}s" --timeout 30s -s "$REPORT_LUA" "${A[@]}" "$BASE$path" | grep ^RESULT)
  kill "$SPID"; wait "$SPID" 2>/dev/null
  read -r pk pw pm pt < "$PEAKF"; rm -f "$PEAKF"
  R1=$(wrk -t1 -c1 -d"${D1}s" --timeout 30s -s "$REPORT_LUA" "${A[@]}" "$BASE$path" | grep ^RESULT)
  echo "RAW c=$C $name: $R8" >&2; echo "RAW c=1 $name: $R1" >&2
  g() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
  printf '%s\t' "$name" "$path" "$code" "$size" "$gz" "$(g "$R8" rps)" "$(g "$R8" p50_ms)" "$(g "$R8" p90_ms)" \
    "$(g "$R8" p99_ms)" "$(g "$R8" max_ms)" "$(g "$R8" non2xx3xx)" "$(g "$R8" sock_err)" "$(g "$R1" rps)" \
    "$(g "$R1" p50_ms)" "$(g "$R1" p99_ms)" "$pk" "$pw" >> "$TSV"
  printf '%s\t%s\t%s\n' "$pm" "$busy" "$pt" >> "$TSV"
  echo "| $name | $code | $size | $gz | $(g "$R8" rps) | $(g "$R8" p50_ms) | $(g "$R8" p90_ms) | $(g "$R8" p99_ms) | $(g "$R1" p50_ms) | $(g "$R1" p99_ms) | $(g "$R1" rps) | $((pk/1024)) | $((pw/1024)) | $((pm/1024)) | $busy | $pt |"
done < "$PAGES"
echo "# after: load $(cut -d' ' -f1-3 /proc/loadavg); gunicorn RSS (master+workers) $(rss_total) KiB"
