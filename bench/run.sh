#!/usr/bin/env bash
# Load benchmark of bphub on PostgreSQL behind gunicorn, everything on 127.0.0.1 (see bench/README.md).
# Usage: bench/run.sh        (or `make bench`); knobs below can be overridden from the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
GUNICORN=${GUNICORN:-$ROOT/.venv/bin/gunicorn}

BENCH_DB=${BENCH_DB:-bphub_bench}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
BENCH_REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/15}
BENCH_USERS=${BENCH_USERS:-10000}
BENCH_RESOURCES=${BENCH_RESOURCES:-2000}
BENCH_SEED=${BENCH_SEED:-1}
BENCH_SESSIONS=${BENCH_SESSIONS:-50}
BENCH_WORKERS=${BENCH_WORKERS:-2}
BENCH_WORKER_CLASSES=${BENCH_WORKER_CLASSES:-"sync"}  # each is measured; the first is the pick ("sync gthread" to compare)
BENCH_THREADS_PER_WORKER=${BENCH_THREADS_PER_WORKER:-4}        # gthread only
BENCH_DURATION=${BENCH_DURATION:-30s}
BENCH_WARMUP=${BENCH_WARMUP:-5s}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-8}
BENCH_WRK_THREADS=${BENCH_WRK_THREADS:-2}
BENCH_TARGET_P99_MS=${BENCH_TARGET_P99_MS:-50}
BENCH_HOME_CONNECTIONS=${BENCH_HOME_CONNECTIONS:-"2 4 8"}  # 2 = one per worker (no queueing)
BENCH_SKIP_SETUP=${BENCH_SKIP_SETUP:-0}  # 1: reuse the database of the previous run
BENCH_VARIANTS=${BENCH_VARIANTS:-""}  # settings variants to compare (bench/bench_settings.py); "" = none

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 1; }
command -v psql >/dev/null || { echo "psql is needed (postgresql-client)"; exit 1; }

OUT=$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
ln -sfn "$OUT" "$ROOT/bench/out/latest"

# Production settings, as behind a TLS-terminating reverse proxy: DEBUG off, manifest static files,
# __Host- cookies, SECURE_SSL_REDIRECT on (the load tool sends X-Forwarded-Proto: https like the proxy).
export BPHUB_ENV=production
# A fixed key, so sessions made by one run stay valid for profiling afterwards (bench data only).
export SECRET_KEY=${BENCH_SECRET_KEY:-bench-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz}
export ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL=$PG_URL/$BENCH_DB
export REDIS_URL=$BENCH_REDIS_URL
export BPHUB_VAR_DIR=$ROOT/bench/out/var
export LOG_LEVEL=WARNING
export EMAIL_DELIVERY_BACKEND=django.core.mail.backends.locmem.EmailBackend
COOKIE_NAME=__Host-sessionid
mkdir -p "$BPHUB_VAR_DIR"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run.log"; }

if [ "$BENCH_SKIP_SETUP" != 1 ]; then
  log "fresh database $BENCH_DB"
  psql "$PG_URL/postgres" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" -c "CREATE DATABASE $BENCH_DB"
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py createcachetable
  "$PY" manage.py load_reference | tee -a "$OUT/run.log"
  "$PY" bench/manage_bench.py bench_data --users "$BENCH_USERS" --resources "$BENCH_RESOURCES" --seed "$BENCH_SEED" | tee -a "$OUT/run.log"
  "$PY" manage.py collectstatic --noinput -v0
  psql "$DATABASE_URL" -qX -c "VACUUM ANALYZE"
fi
"$PY" manage.py check --deploy --fail-level ERROR -v0 >/dev/null 2>"$OUT/check.txt" || true

log "sessions for $BENCH_SESSIONS users of mixed roles"
"$PY" bench/manage_bench.py bench_session --count "$BENCH_SESSIONS" > "$OUT/sessions.tsv"
cut -f1 "$OUT/sessions.tsv" > "$OUT/keys.txt"
cut -f3 "$OUT/sessions.tsv" | sort | uniq -c | sort -rn | tee -a "$OUT/run.log"
# One member official (the most common reader) for the per-request query count.
OFFICIAL_KEY=$(awk -F'\t' '$3 == "member_official" {print $1; exit}' "$OUT/sessions.tsv")

log "queries per request"
"$PY" bench/querycount.py --session "$OFFICIAL_KEY" --sql / > "$OUT/queries_home_sql.txt"
{
  grep '^{' "$OUT/queries_home_sql.txt"
  "$PY" bench/querycount.py /healthz /members/ /
  for VARIANT in $BENCH_VARIANTS; do
    PYTHONPATH=$ROOT/bench DJANGO_SETTINGS_MODULE=bench_settings BENCH_VARIANT=$VARIANT \
      "$PY" bench/querycount.py --session "$OFFICIAL_KEY" /
  done
} | tee "$OUT/queries.jsonl"

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

GUNICORN_PID=""
stop_gunicorn() {
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID"
    for _ in $(seq 1 50); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.2; done
  fi
  GUNICORN_PID=""
}
trap stop_gunicorn EXIT INT TERM

# System-wide CPU counters (jiffies): "busy total".
cpu_counters() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
# CPU jiffies used so far by the gunicorn workers.
workers_jiffies() { local t=0 pid; for pid in $(ps -o pid= --ppid "$GUNICORN_PID"); do
  t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done; echo $t; }
# Wait (at most BENCH_IDLE_WAIT s) until other work on the machine uses under BENCH_IDLE_BUSY % of the CPU.
wait_for_quiet() {
  local waited=0 a b busy
  while :; do
    a=($(cpu_counters)); sleep 2; b=($(cpu_counters))
    busy=$(( 100 * (b[0] - a[0]) / (b[1] - a[1] + 1) ))
    if [ "$busy" -lt "$BENCH_IDLE_BUSY" ] || [ "$waited" -ge "$BENCH_IDLE_WAIT" ]; then echo "$busy"; return; fi
    waited=$((waited + 2))
  done
}
BENCH_IDLE_BUSY=${BENCH_IDLE_BUSY:-15}
BENCH_IDLE_WAIT=${BENCH_IDLE_WAIT:-120}
HZ=$(getconf CLK_TCK)

# wrk_run NAME PATH KEYSFILE CONNECTIONS -> appends one JSON line to results.jsonl
wrk_run() {
  local name=$1 path=$2 keys=$3 conns=$4
  BENCH_COOKIE_NAME=$COOKIE_NAME BENCH_KEYS_FILE=$keys \
    wrk -t "$BENCH_WRK_THREADS" -c "$conns" -d "$BENCH_WARMUP" -s bench/sessions.lua "http://127.0.0.1:$PORT$path" >/dev/null
  local idle_before; idle_before=$(wait_for_quiet)
  local c0 c1 w0 w1
  c0=($(cpu_counters)); w0=$(workers_jiffies)
  BENCH_COOKIE_NAME=$COOKIE_NAME BENCH_KEYS_FILE=$keys \
    wrk -t "$BENCH_WRK_THREADS" -c "$conns" -d "$BENCH_DURATION" --latency -s bench/sessions.lua \
    "http://127.0.0.1:$PORT$path" > "$OUT/wrk_${LABEL}_${name}_c${conns}.txt"
  c1=($(cpu_counters)); w1=$(workers_jiffies)
  local rss; rss=$(ps -o rss= --ppid "$GUNICORN_PID" | awk '{printf "%s%d", sep, $1/1024; sep=","}')
  local json; json=$(sed -n 's/^BENCH_JSON //p' "$OUT/wrk_${LABEL}_${name}_c${conns}.txt")
  printf '{"label":"%s","endpoint":"%s","path":"%s","connections":%d,"busy_pct_before":%d,"busy_pct_during":%d,"workers_cpu_s":%.2f,"worker_rss_mb":[%s],"wrk":%s}\n' \
    "$LABEL" "$name" "$path" "$conns" "$idle_before" "$(( 100 * (c1[0] - c0[0]) / (c1[1] - c0[1] + 1) ))" \
    "$(awk -v a="$w0" -v b="$w1" -v hz="$HZ" 'BEGIN {print (b - a) / hz}')" "$rss" "$json" | tee -a "$OUT/results.jsonl"
}

# start_gunicorn CLASS LABEL [VARIANT]
start_gunicorn() {
  local class=$1 variant=${3:-}
  LABEL=$2
  PORT=$(free_port)
  local args=(config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$BENCH_WORKERS" --worker-class "$class"
        --pid "$OUT/gunicorn_$LABEL.pid" --error-logfile "$OUT/gunicorn_$LABEL.log" --log-level warning
        --forwarded-allow-ips 127.0.0.1 --worker-tmp-dir /dev/shm)
  [ "$class" = gthread ] && args+=(--threads "$BENCH_THREADS_PER_WORKER")
  log "gunicorn $class x$BENCH_WORKERS on 127.0.0.1:$PORT ($LABEL)"
  if [ -n "$variant" ]; then
    PYTHONPATH=$ROOT/bench DJANGO_SETTINGS_MODULE=bench_settings BENCH_VARIANT=$variant "$GUNICORN" "${args[@]}" &
  else
    "$GUNICORN" "${args[@]}" &
  fi
  GUNICORN_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
    sleep 0.2
  done
  curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/healthz"
  # A signed-in request must render the page, not bounce to sign-in or MFA enrolment.
  local status; status=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' \
    -H "Cookie: $COOKIE_NAME=$OFFICIAL_KEY" -H 'User-Agent: bphub-bench' "http://127.0.0.1:$PORT/")
  [ "$status" = 200 ] || { log "signed-in home page answered $status, not 200"; exit 1; }
}

for CLASS in $BENCH_WORKER_CLASSES; do
  start_gunicorn "$CLASS" "$CLASS"
  wrk_run healthz /healthz "" "$BENCH_CONNECTIONS"
  wrk_run members /members/ "" "$BENCH_CONNECTIONS"
  for CONNS in $BENCH_HOME_CONNECTIONS; do
    wrk_run home_signed_in / "$OUT/keys.txt" "$CONNS"
  done
  stop_gunicorn
done
# Settings variants, to measure what a change would buy before making it (bench/bench_settings.py).
for VARIANT in $BENCH_VARIANTS; do
  CLASS=${BENCH_WORKER_CLASSES%% *}
  start_gunicorn "$CLASS" "${CLASS}+$VARIANT" "$VARIANT"
  wrk_run home_signed_in / "$OUT/keys.txt" "$BENCH_CONNECTIONS"
  wrk_run home_signed_in / "$OUT/keys.txt" "$BENCH_WORKERS"
  stop_gunicorn
done

log "summary"
"$PY" bench/summary.py "$OUT" "$BENCH_TARGET_P99_MS" | tee "$OUT/summary.md"
log "done: $OUT"
