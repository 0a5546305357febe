#!/usr/bin/env bash
# Meetings benchmark, side by side with the Indico 3.3 peer (../shared/peer/indico/), in one run:
# 10,000 meetings, 200,000 documents, 50,000 action items on PostgreSQL, gunicorn sync x2, production
# settings; the same load tool and method as the peer's bench.sh (bench/meetings/wrk-pages.sh).
# Indico is measured first and stopped before bphub starts: the two never run at the same time.
# Usage: bench/meetings/run.sh   (knobs below; details in bench/meetings/README.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=$ROOT/bench/meetings
PY=${PY:-$ROOT/.venv/bin/python}
GUNICORN=${GUNICORN:-$ROOT/.venv/bin/gunicorn}
BENCH_DB=${BENCH_DB:-bphub_bench_meetings}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
BENCH_USERS=${BENCH_USERS:-2000}            # bench_data users (signed-in readers), when setting up
BENCH_MEETINGS=${BENCH_MEETINGS:-10000}
BENCH_DOCUMENTS=${BENCH_DOCUMENTS:-200000}
BENCH_ACTIONS=${BENCH_ACTIONS:-50000}
BENCH_PUBLIC=${BENCH_PUBLIC:-502}           # public, non-draft meetings = events in the public feed (Indico: 502)
BENCH_SEED=${BENCH_SEED:-1}
BENCH_WORKERS=${BENCH_WORKERS:-2}
BENCH_DURATION=${BENCH_DURATION:-30}        # wrk seconds at BENCH_CONNECTIONS (the peer's: 30 s x 8)
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-8}
BENCH_PDF_RUNS=${BENCH_PDF_RUNS:-5}
BENCH_WORKER_INTERVAL=${BENCH_WORKER_INTERVAL:-0.25}  # the task worker's --interval (settings.TASK_WORKER_INTERVAL)
BENCH_PACKS_ONLY=${BENCH_PACKS_ONLY:-0}     # 1: only the pre-briefing PDF (no peer, no page load runs, no profiles)
BENCH_SKIP_SETUP=${BENCH_SKIP_SETUP:-0}     # 1: reuse the database of the previous run
BENCH_PEER=${BENCH_PEER:-1}                 # 0: do not run Indico (the summary then quotes its results.md)
BENCH_PROFILE=${BENCH_PROFILE:-1}           # cProfile of the meeting page and the feed after the load runs
PEER_DIR=${PEER_DIR:-$ROOT/../shared/peer/indico}
PEER_ROOT=${PEER_ROOT:-/opt/peer-indico}
PEER_IDS=${PEER_IDS:-$PEER_ROOT/ids.json}   # gen_data.py's ids (the shared folder is read-only)
PEER_BASE=http://127.0.0.1:8000
if [ "$BENCH_PACKS_ONLY" = 1 ]; then BENCH_PEER=0; BENCH_PROFILE=0; fi

OUT=$ROOT/bench/out/meetings-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
ln -sfn "$OUT" "$ROOT/bench/out/meetings-latest"
export PG_URL BENCH_DB
# shellcheck source=bench/env.sh disable=SC1091
. "$ROOT/bench/env.sh"   # production settings, DATABASE_URL -> $BENCH_DB, Redis db 15
COOKIE_NAME=__Host-sessionid
mkdir -p "$BPHUB_VAR_DIR"
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run.log"; }
sql() { psql "$DATABASE_URL" -AtX -c "$1"; }
listening() { ss -Hltn "sport = :$1" | grep -q .; }
{ echo "started=$(date -u +%FT%TZ)"
  # shellcheck disable=SC1091
  echo "machine=$(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), PostgreSQL $(psql "$PG_URL/postgres" -AtX -c 'SHOW server_version'), $("$PY" --version), wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2)"
} > "$OUT/meta.env"

PEER_STARTED=0; GUNICORN_PID=; SAMPLER_PID=; WORKER_PID=
cleanup() {
  if [ -n "$SAMPLER_PID" ]; then kill "$SAMPLER_PID" 2>/dev/null || true; fi
  if [ -n "$WORKER_PID" ]; then kill -TERM "$WORKER_PID" 2>/dev/null || true; wait "$WORKER_PID" 2>/dev/null || true; fi
  if [ -n "$GUNICORN_PID" ]; then kill -TERM "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  if [ "$PEER_STARTED" = 1 ]; then bash "$PEER_DIR/stop.sh" >> "$OUT/run.log" 2>&1 || true; PEER_STARTED=0; fi
}
trap cleanup EXIT INT TERM

# --- 1. our data ---------------------------------------------------------------------------------
if [ "$BENCH_SKIP_SETUP" != 1 ]; then
  log "fresh database $BENCH_DB"
  psql "$PG_URL/postgres" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" -c "CREATE DATABASE $BENCH_DB"
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py createcachetable
  "$PY" manage.py load_reference | tee -a "$OUT/run.log"
  "$PY" bench/manage_bench.py bench_data --users "$BENCH_USERS" --resources 200 --seed 1 | tee -a "$OUT/run.log"
  log "meetings data: $BENCH_MEETINGS meetings, $BENCH_DOCUMENTS documents, $BENCH_ACTIONS actions"
  /usr/bin/time -f "bench_meetings: %e s wall, %U s user + %S s system CPU, %M KB peak RSS" "$PY" bench/manage_bench.py bench_meetings \
    --meetings "$BENCH_MEETINGS" --documents "$BENCH_DOCUMENTS" --actions "$BENCH_ACTIONS" --public "$BENCH_PUBLIC" \
    --seed "$BENCH_SEED" > "$OUT/data.log" 2>&1 || { cat "$OUT/data.log"; exit 1; }
  grep -v '^participant=' "$OUT/data.log" | tee -a "$OUT/run.log"
  log "VACUUM ANALYZE"
  psql "$DATABASE_URL" -qX -c "VACUUM ANALYZE"
fi
"$PY" manage.py collectstatic --noinput -v0
BIG=$(sql "SELECT m.id FROM meetings_meeting m JOIN meetings_meetingseries s ON s.id = m.series_id WHERE s.code = 'som-plenary' AND m.number = 12")
[ -n "$BIG" ] || { log "no big meeting in $BENCH_DB: run without BENCH_SKIP_SETUP=1"; exit 1; }
PARTICIPANT=$(sql "SELECT u.email FROM accounts_user u JOIN directory_focalpoint f ON f.user_id = u.id JOIN meetings_delegate d ON d.focal_point_id = f.id JOIN meetings_delegation g ON g.id = d.delegation_id WHERE g.meeting_id = $BIG AND g.status = 'approved' AND u.role = 'member_official' ORDER BY u.id LIMIT 1")
{ echo "big=$BIG"; echo "participant=$PARTICIPANT"
  echo "data=$(grep '^bench_meetings: [0-9]' "$OUT/data.log" 2>/dev/null | head -1 | cut -d' ' -f2-); $(grep 'wall' "$OUT/data.log" 2>/dev/null || echo 'reused database')"
} >> "$OUT/meta.env"
log "big meeting /meetings/$BIG/; signed-in reader $PARTICIPANT (member official, approved participant)"

# --- 2. the peer: Indico, alone on the machine -----------------------------------------------------
if [ "$BENCH_PEER" = 1 ]; then
  if listening 8000 && [ ! -f "$PEER_ROOT/run/nginx.pid" ]; then
    log "PEER SKIPPED: something else listens on 127.0.0.1:8000"; BENCH_PEER=0
  fi
fi
if [ "$BENCH_PEER" = 1 ]; then
  if [ ! -x "$PEER_ROOT/venv/bin/gunicorn" ]; then
    log "peer: installing Indico (setup.sh)"; bash "$PEER_DIR/setup.sh" > "$OUT/peer-setup.log" 2>&1
  fi
  if [ ! -f "$PEER_IDS" ]; then
    log "peer: generating its data (gen_data.py, about 95 s)"
    INDICO_CONFIG=$PEER_ROOT/data/etc/indico.conf "$PEER_ROOT/venv/bin/python" "$PEER_DIR/gen_data.py" \
      --ids-out "$PEER_IDS" > "$OUT/peer-gen-data.log" 2>&1
  fi
  # This machine's PostgreSQL runs with autovacuum off (conf.d/90-ci.conf), so freshly generated tables have
  # no statistics; the peer's results.md was measured on Debian's default (autovacuum on). Ours get VACUUM ANALYZE.
  log "peer: ANALYZE its database"
  psql "$PG_URL/indico" -qX -c "ANALYZE"
  BM=$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['big_meeting'])" "$PEER_IDS")
  log "peer: start (start.sh: gunicorn -w 2 on :8001, nginx on :8000)"
  PEER_STARTED=1; bash "$PEER_DIR/start.sh" >> "$OUT/run.log" 2>&1
  printf '%s\n' "big meeting display (200 contribs inline)|/event/$BM/|" \
    "iCal whole tree 5 years (HTTP API, 502 ev)|/export/categ/0.ics?from=2022-01-01&to=2026-12-31|" > "$OUT/peer-pages.txt"
  log "peer: wrk ${BENCH_DURATION}s x $BENCH_CONNECTIONS, then 10 s x 1, per page; load $(cut -d' ' -f1-3 /proc/loadavg)"
  D=$BENCH_DURATION C=$BENCH_CONNECTIONS "$HERE/wrk-pages.sh" "$PEER_BASE" "$PEER_ROOT/run/gunicorn.pid" \
    "$OUT/peer-pages.txt" "$OUT/peer.tsv" > "$OUT/peer.md" 2> "$OUT/peer.raw"
  tee -a "$OUT/run.log" < "$OUT/peer.md"
  echo "peer_feed_events=$(curl -s "$PEER_BASE/export/categ/0.ics?from=2022-01-01&to=2026-12-31" | grep -c BEGIN:VEVENT)" >> "$OUT/meta.env"
  log "peer: cold page weight of /event/$BM/ (headless Chromium, fresh profile, through nginx with gzip)"
  "$PY" "$HERE/pageweight.py" "$PEER_BASE/event/$BM/" > "$OUT/pageweight-peer.json" || log "peer page weight failed"
  log "peer: stop (stop.sh)"
  bash "$PEER_DIR/stop.sh" >> "$OUT/run.log" 2>&1; PEER_STARTED=0
  for _ in $(seq 1 50); do listening 8000 || listening 8001 || break; sleep 0.2; done
fi

# --- 3. bphub ------------------------------------------------------------------------------------
"$PY" bench/manage_bench.py bench_session "$PARTICIPANT" > "$OUT/sessions.tsv"
KEY=$(cut -f1 "$OUT/sessions.tsv" | head -1)
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
[ "$PORT" != 8000 ] || PORT=8009
BASE=http://127.0.0.1:$PORT
log "bphub: gunicorn sync x$BENCH_WORKERS on 127.0.0.1:$PORT; load $(cut -d' ' -f1-3 /proc/loadavg)"
"$GUNICORN" config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$BENCH_WORKERS" --worker-class sync \
  --pid "$OUT/gunicorn.pid" --error-logfile "$OUT/gunicorn.log" --log-level warning \
  --forwarded-allow-ips 127.0.0.1 --worker-tmp-dir /dev/shm &
GUNICORN_PID=$!
for _ in $(seq 1 150); do
  curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "$BASE/healthz" 2>/dev/null && break
  sleep 0.2
done
# RSS of master + workers over the whole life of the server (wrk runs and PDFs), every 0.5 s.
( pt=0; pw=0
  while :; do
    t=0; w=0
    for p in $GUNICORN_PID $(pgrep -P "$GUNICORN_PID"); do
      r=$(ps -o rss= -p "$p" 2>/dev/null | tr -d ' '); t=$((t + ${r:-0})); [ "$p" != "$GUNICORN_PID" ] && w=$((w + ${r:-0}))
    done
    [ "$t" -gt "$pt" ] && pt=$t; [ "$w" -gt "$pw" ] && pw=$w
    echo "$pt $pw" > "$OUT/rss-ours.txt"; sleep 0.5
  done ) &
SAMPLER_PID=$!
H=(-H 'X-Forwarded-Proto: https' -H 'User-Agent: bphub-bench')
status() {  # path [session key]
  local c=(); [ -n "${2:-}" ] && c=(-H "Cookie: $COOKIE_NAME=$2")
  curl -s -o /dev/null -w '%{http_code}' "${H[@]}" "${c[@]}" "$BASE$1"
}
: > "$OUT/ours-pages.txt"
if [ "$BENCH_PACKS_ONLY" != 1 ]; then
add_page() {  # name path [session key]: measured only when it answers 200
  local code; code=$(status "$2" "${3:-}")
  if [ "$code" = 200 ]; then printf '%s|%s|%s\n' "$1" "$2" "${3:+$COOKIE_NAME=$3}" >> "$OUT/ours-pages.txt"
  else log "SKIPPED $1: $2 answered $code (route not built yet?)"; fi
}
add_page "meeting page, anonymous" "/meetings/$BIG/"
add_page "public calendar feed (5 years, $BENCH_PUBLIC events)" "/calendar/public.ics"
add_page "meeting page, signed in (member official, participant)" "/meetings/$BIG/" "$KEY"
add_page "meetings list, anonymous" "/meetings/"
add_page "meetings list, signed in (member official)" "/meetings/" "$KEY"
echo "feed_events=$(curl -s "${H[@]}" "$BASE/calendar/public.ics" | grep -c BEGIN:VEVENT || true)" >> "$OUT/meta.env"
{ echo "# what goes over the wire with compression asked for (gunicorn has no gzip: GZipMiddleware and WhiteNoise do)"
  curl -s -o /dev/null -D - "${H[@]}" -H 'Accept-Encoding: gzip, br' "$BASE/meetings/$BIG/" | grep -i -E '^(HTTP|content-encoding|content-length|cache-control)'
  CSS=$(curl -s "${H[@]}" "$BASE/meetings/$BIG/" | grep -o '/static/[^"]*\.css' | head -1)
  echo "# $CSS"; curl -s -o /dev/null -D - "${H[@]}" -H 'Accept-Encoding: gzip, br' "$BASE$CSS" | grep -i -E '^(HTTP|content-encoding|content-length|cache-control)'
} > "$OUT/compression.txt" 2>&1 || true
log "bphub: wrk ${BENCH_DURATION}s x $BENCH_CONNECTIONS, then 10 s x 1, per page"
HEADER='X-Forwarded-Proto: https' D=$BENCH_DURATION C=$BENCH_CONNECTIONS "$HERE/wrk-pages.sh" "$BASE" "$OUT/gunicorn.pid" \
  "$OUT/ours-pages.txt" "$OUT/ours.tsv" > "$OUT/ours.md" 2> "$OUT/ours.raw"
tee -a "$OUT/run.log" < "$OUT/ours.md"
fi  # BENCH_PACKS_ONLY

if [ "$BENCH_PACKS_ONLY" != 1 ]; then
  log "bphub: cold page weight of /meetings/$BIG/ (headless Chromium, fresh profile, anonymous)"
  "$PY" "$HERE/pageweight.py" "$BASE/meetings/$BIG/" --header 'X-Forwarded-Proto: https' > "$OUT/pageweight-ours.json" \
    || log "page weight failed"
fi

cpu_counters() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
wait_for_quiet() {  # as in wrk-pages.sh: at most IDLE_WAIT s for other work to use under IDLE_BUSY % of the CPU
  local waited=0 a b busy
  while :; do
    read -r -a a < <(cpu_counters); sleep 2; read -r -a b < <(cpu_counters)
    busy=$(( 100 * (b[0] - a[0]) / (b[1] - a[1] + 1) ))
    if [ "$busy" -lt "${IDLE_BUSY:-15}" ] || [ "$waited" -ge "${IDLE_WAIT:-120}" ]; then echo "$busy"; return; fi
    waited=$((waited + 2))
  done
}
PDF=/meetings/$BIG/pre-briefing.pdf
MEDIA=${MEDIA_ROOT:-$BPHUB_VAR_DIR/media}
# The task worker renders the PDF (WeasyPrint is never loaded in a web worker). Its first upkeep
# (freshness sweep, digest, reminders over the bench data) runs at start: wait for the machine to be quiet.
log "bphub: task worker (manage.py worker --interval $BENCH_WORKER_INTERVAL)"
"$PY" manage.py worker --interval "$BENCH_WORKER_INTERVAL" > "$OUT/worker.log" 2>&1 &
WORKER_PID=$!
sleep 2
echo "pdf_busy_before=$(wait_for_quiet)" >> "$OUT/meta.env"
code=$(status "$PDF" "$KEY")
if [ "$code" = 200 ] || [ "$code" = 202 ]; then
  log "bphub: pre-briefing PDF, request -> file: 1 first render (fresh worker), $BENCH_PDF_RUNS with the stored files deleted before each (page refresh 1 s), 3 polled every 0.1 s, $BENCH_PDF_RUNS stored"
  WEB=(); for p in $(pgrep -P "$GUNICORN_PID"); do WEB+=(--web-pid "$p"); done
  "$PY" "$HERE/pack_timing.py" --base "$BASE" --path "$PDF" --cookie "$COOKIE_NAME=$KEY" --media-root "$MEDIA" \
    --runs "$BENCH_PDF_RUNS" --worker-pid "$WORKER_PID" "${WEB[@]}" --out "$OUT/pdf.json" > /dev/null \
    || log "pre-briefing PDF: some runs failed (pdf.json, worker.log)"
  # Where the time goes: queue -> worker pick-up (its --interval) and the render itself, per task.
  sql "SELECT round(extract(epoch FROM started_at - enqueued_at)::numeric, 3), round(extract(epoch FROM finished_at - started_at)::numeric, 3), status
       FROM django_tasks_database_dbtaskresult WHERE task_path = 'bphub.meetings.tasks.render_pack_pdf' ORDER BY enqueued_at" > "$OUT/pdf-tasks.txt" || true
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print("pdf:", {k: {x: r[k].get(x) for x in ("min", "median", "max", "errors")} for k in ("first", "cold", "tight", "warm")}, "worker MiB:", r["worker_after"])' "$OUT/pdf.json" | tee -a "$OUT/run.log" || true
else
  log "SKIPPED pre-briefing PDF: $PDF answered $code"
fi
kill -TERM "$WORKER_PID" 2>/dev/null || true; wait "$WORKER_PID" 2>/dev/null || true; WORKER_PID=
sleep 1
kill "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=
kill -TERM "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; GUNICORN_PID=

if [ "$BENCH_PROFILE" = 1 ]; then
  log "profiles (cProfile, in-process, through the middleware): bench/out/…/profile-*.txt"
  "$PY" "$HERE/profile_page.py" "/meetings/$BIG/" > "$OUT/profile-meeting-anonymous.txt" 2>&1 || true
  "$PY" "$HERE/profile_page.py" --session "$KEY" "/meetings/$BIG/" > "$OUT/profile-meeting-signed-in.txt" 2>&1 || true
  "$PY" "$HERE/profile_page.py" "/calendar/public.ics" > "$OUT/profile-feed.txt" 2>&1 || true
  grep -h -A1 '^/' "$OUT"/profile-*.txt | tee -a "$OUT/run.log" || true
fi

python3 "$HERE/summary.py" "$OUT" | tee "$OUT/summary.md"
log "done: $OUT"
