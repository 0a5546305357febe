#!/usr/bin/env bash
# Directory benchmark: search p95 and coverage-matrix server time at 50 members, 5,000 agencies and
# 100,000 focal points, on PostgreSQL behind gunicorn, signed in (see bench/directory/README.md).
# Usage: bench/directory/run.sh   (knobs below can be overridden from the environment)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
GUNICORN=${GUNICORN:-$ROOT/.venv/bin/gunicorn}
BENCH_DB=${BENCH_DB:-bphub_bench}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
BENCH_MEMBERS=${BENCH_MEMBERS:-50}
BENCH_AGENCIES=${BENCH_AGENCIES:-5000}
BENCH_FOCAL_POINTS=${BENCH_FOCAL_POINTS:-100000}
BENCH_USERS=${BENCH_USERS:-2000}          # users for the signed-in sessions (bench_data), when setting up
BENCH_SESSIONS=${BENCH_SESSIONS:-20}
BENCH_WORKERS=${BENCH_WORKERS:-2}
BENCH_SKIP_SETUP=${BENCH_SKIP_SETUP:-0}   # 1: reuse the database (and its directory data) of the previous run
BENCH_SEARCH_TARGET_P95_MS=${BENCH_SEARCH_TARGET_P95_MS:-30}
BENCH_COVERAGE_TARGET_MS=${BENCH_COVERAGE_TARGET_MS:-150}

OUT=$ROOT/bench/out/directory-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
ln -sfn "$OUT" "$ROOT/bench/out/directory-latest"
export PG_URL BENCH_DB
. "$ROOT/bench/env.sh"   # production settings, DATABASE_URL -> $BENCH_DB, Redis db 15
export BENCH_COOKIE_NAME=__Host-sessionid
mkdir -p "$BPHUB_VAR_DIR"
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run.log"; }

if [ "$BENCH_SKIP_SETUP" != 1 ]; then
  log "fresh database $BENCH_DB"
  psql "$PG_URL/postgres" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" -c "CREATE DATABASE $BENCH_DB"
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py createcachetable
  "$PY" manage.py load_reference | tee -a "$OUT/run.log"
  "$PY" bench/manage_bench.py bench_data --users "$BENCH_USERS" --resources 200 --seed 1 | tee -a "$OUT/run.log"
fi
"$PY" manage.py collectstatic --noinput -v0  # always: the manifest must list every stylesheet the pages name
if [ "$BENCH_SKIP_SETUP" != 1 ] || [ "${BENCH_REGENERATE:-0}" = 1 ]; then
  log "directory data: $BENCH_MEMBERS members, $BENCH_AGENCIES agencies, $BENCH_FOCAL_POINTS focal points"
  /usr/bin/time -f "bench_directory: %e s wall, %U s user + %S s system CPU, %M KB peak RSS" "$PY" bench/manage_bench.py bench_directory \
    --members "$BENCH_MEMBERS" --agencies "$BENCH_AGENCIES" --focal-points "$BENCH_FOCAL_POINTS" 2>&1 | tee -a "$OUT/run.log"
  psql "$DATABASE_URL" -qX -c "VACUUM ANALYZE"
fi

log "machine load (other work slows every figure): $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
log "signed-in sessions of member officials (the most common reader)"
EMAILS=$(psql "$DATABASE_URL" -AtX -c "SELECT email FROM accounts_user WHERE email LIKE '%@bench.invalid' AND role = 'member_official' AND member_id IS NOT NULL ORDER BY id LIMIT $BENCH_SESSIONS")
# shellcheck disable=SC2086
"$PY" bench/manage_bench.py bench_session $EMAILS > "$OUT/sessions.tsv"
cut -f1 "$OUT/sessions.tsv" > "$OUT/keys.txt"

log "EXPLAIN ANALYZE of the search"
"$PY" bench/directory/explain.py > "$OUT/explain.txt"
grep '^===' "$OUT/explain.txt" | tee -a "$OUT/run.log"

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log "gunicorn sync x$BENCH_WORKERS on 127.0.0.1:$PORT"
"$GUNICORN" config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$BENCH_WORKERS" --worker-class sync \
  --error-logfile "$OUT/gunicorn.log" --log-level warning --forwarded-allow-ips 127.0.0.1 --worker-tmp-dir /dev/shm &
GUNICORN_PID=$!
stop() { kill -TERM "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; }
trap stop EXIT INT TERM
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  sleep 0.2
done
KEY=$(head -1 "$OUT/keys.txt")
status() { curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' -H "Cookie: $BENCH_COOKIE_NAME=$KEY" \
  -H 'User-Agent: bphub-bench' "http://127.0.0.1:$PORT$1"; }
[ "$(status /directory/)" = 200 ] || { log "signed-in /directory/ answered $(status /directory/), not 200"; exit 1; }
ENDPOINTS="directory_search directory_search_live api_focal_points_search directory_search_member_stale directory_list_unfiltered"
if [ "$(status /directory/coverage/)" = 200 ]; then
  ENDPOINTS="$ENDPOINTS coverage_matrix"
else
  log "SKIPPED coverage matrix: /directory/coverage/ answered $(status /directory/coverage/) (route not built yet?)"
fi

log "latency, one request at a time (≈ server time)"
# shellcheck disable=SC2086
"$PY" bench/directory/measure.py "http://127.0.0.1:$PORT" "$OUT/keys.txt" $ENDPOINTS | tee "$OUT/results.jsonl"
stop
trap - EXIT INT TERM

"$PY" - "$OUT/results.jsonl" "$BENCH_SEARCH_TARGET_P95_MS" "$BENCH_COVERAGE_TARGET_MS" <<'PYEOF' | tee "$OUT/summary.md"
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
search_target, coverage_target = float(sys.argv[2]), float(sys.argv[3])
print("| endpoint | requests | p50 ms | p95 ms | p99 ms | max ms | non-200 |")
print("|---|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['endpoint']} | {r['requests']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} | {r['non200']} |")
print()
for r in rows:
    if r["endpoint"] in {"directory_search", "api_focal_points_search"}:
        verdict = "MET" if r["p95_ms"] <= search_target else "NOT MET"
        print(f"- search p95 <= {search_target:.0f} ms, {r['endpoint']}: **{verdict}** ({r['p95_ms']} ms)")
    if r["endpoint"] == "coverage_matrix":
        verdict = "MET" if r["p95_ms"] <= coverage_target else "NOT MET"
        print(f"- coverage matrix p95 <= {coverage_target:.0f} ms: **{verdict}** ({r['p95_ms']} ms)")
PYEOF
log "done: $OUT"
