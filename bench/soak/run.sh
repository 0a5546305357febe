#!/usr/bin/env bash
# Soak test: gunicorn on PostgreSQL under mixed traffic for SOAK_DURATION seconds, with a web worker and the
# task worker killed -9 once each, mail counted by a local SMTP sink, RSS sampled (see bench/soak/README.md).
# Usage: bench/soak/run.sh          SOAK_DURATION=60 SOAK_USERS=300 ... bench/soak/run.sh for a short run.
# Exit status: 0 when every target holds, 1 when one fails, 2 when the run itself could not be done.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}

export SOAK_DURATION=${SOAK_DURATION:-600}       # seconds of traffic
SOAK_SKIP_SETUP=${SOAK_SKIP_SETUP:-0}            # 1: reuse the database of the previous run
SOAK_USERS=${SOAK_USERS:-2000}                   # bench_data users
SOAK_RESOURCES=${SOAK_RESOURCES:-200}
SOAK_AGENCIES=${SOAK_AGENCIES:-1000}             # bench_directory
SOAK_FOCAL_POINTS=${SOAK_FOCAL_POINTS:-10000}
SOAK_MEETINGS=${SOAK_MEETINGS:-1000}             # bench_meetings
SOAK_DOCUMENTS=${SOAK_DOCUMENTS:-10000}
SOAK_ACTIONS=${SOAK_ACTIONS:-3000}
SOAK_PUBLIC=${SOAK_PUBLIC:-200}
SOAK_SESSIONS=${SOAK_SESSIONS:-30}               # signed-in sessions of mixed roles
export BENCH_DB=${SOAK_DB:-bphub_soak}
export PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}

command -v psql >/dev/null || { echo "psql is needed (postgresql-client)"; exit 2; }
OUT=$ROOT/bench/out/soak-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
ln -sfn "$OUT" "$ROOT/bench/out/soak-latest"
# shellcheck source=bench/env.sh disable=SC1091
. "$ROOT/bench/env.sh"   # production settings, DATABASE_URL -> bphub_soak, Redis db 15
export BPHUB_VAR_DIR=$ROOT/bench/out/soak-var   # its own media (pre-briefing packs) and static files
mkdir -p "$BPHUB_VAR_DIR"
# The soak exercises the API far beyond one person's rate: the limits would only answer 429.
export API_RATE_LIMIT_TOKEN=100000/m API_RATE_LIMIT_ANONYMOUS=100000/m
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run.log"; }
sql() { psql "$DATABASE_URL" -AtX -v ON_ERROR_STOP=1 -c "$1"; }

# soak.py owns gunicorn, the task worker and the SMTP sink and stops them itself; this trap is the
# backstop (this script interrupted, soak.py killed): soak.py first (SIGTERM makes it stop its own), then
# whatever PIDs are still written down in bench/out/soak-*/pids/; nothing by name.
cleanup() {
  local f pid
  for f in "$OUT"/pids/*; do
    [ -e "$f" ] || continue
    pid=$(cat "$f"); [ -n "$pid" ] || continue
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

if [ "$SOAK_SKIP_SETUP" != 1 ]; then
  log "fresh database $BENCH_DB: $SOAK_USERS users, $SOAK_FOCAL_POINTS focal points, $SOAK_MEETINGS meetings, $SOAK_DOCUMENTS documents"
  psql "$PG_URL/postgres" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" -c "CREATE DATABASE $BENCH_DB"
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py createcachetable
  "$PY" manage.py load_reference >> "$OUT/setup.log"
  "$PY" bench/manage_bench.py bench_data --users "$SOAK_USERS" --resources "$SOAK_RESOURCES" --seed 1 >> "$OUT/setup.log"
  "$PY" bench/manage_bench.py bench_directory --agencies "$SOAK_AGENCIES" --focal-points "$SOAK_FOCAL_POINTS" --seed 1 >> "$OUT/setup.log"
  "$PY" bench/manage_bench.py bench_meetings --meetings "$SOAK_MEETINGS" --documents "$SOAK_DOCUMENTS" \
    --actions "$SOAK_ACTIONS" --public "$SOAK_PUBLIC" --seed 1 > "$OUT/meetings.log"
  "$PY" manage.py collectstatic --noinput -v0
  psql "$DATABASE_URL" -qX -c "VACUUM ANALYZE"
  log "setup done in ${SECONDS} s"
fi

BIG=$(sql "SELECT m.id FROM meetings_meeting m JOIN meetings_meetingseries s ON s.id = m.series_id WHERE s.code = 'som-plenary' AND m.number = 12")
[ -n "$BIG" ] || { log "no big meeting in $BENCH_DB: run without SOAK_SKIP_SETUP=1"; exit 2; }
PARTICIPANT=$(sql "SELECT u.email FROM accounts_user u JOIN directory_focalpoint f ON f.user_id = u.id JOIN meetings_delegate d ON d.focal_point_id = f.id JOIN meetings_delegation g ON g.id = d.delegation_id WHERE g.meeting_id = $BIG AND g.status = 'approved' AND u.role = 'member_official' ORDER BY u.id LIMIT 1")
log "sessions: $SOAK_SESSIONS of mixed roles, and $PARTICIPANT (participant of meeting $BIG, for its pre-briefing pack)"
"$PY" bench/manage_bench.py bench_session --count "$SOAK_SESSIONS" > "$OUT/sessions.tsv"
"$PY" bench/manage_bench.py bench_session "$PARTICIPANT" | sed 's/\t[a-z_]*$/\tparticipant/' >> "$OUT/sessions.tsv"
cut -f3 "$OUT/sessions.tsv" | sort | uniq -c | sort -rn >> "$OUT/run.log"
# Personal access tokens (1 day) for one user of each of these roles.
: > "$OUT/tokens.tsv"
for ROLE in member_official member_coordinator rso_admin; do
  EMAIL=$(awk -F'\t' -v r="$ROLE" '$3 == r {print $2; exit}' "$OUT/sessions.tsv")
  [ -n "$EMAIL" ] || continue
  TOKEN=$("$PY" manage.py api_token create "$EMAIL" --days 1 --name soak | grep '^bph_' || true)
  [ -n "$TOKEN" ] && printf '%s\t%s\t%s\n' "$TOKEN" "$EMAIL" "$ROLE" >> "$OUT/tokens.tsv"
done
log "$(wc -l < "$OUT/tokens.tsv") API tokens"

SMTP_PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export EMAIL_DELIVERY_BACKEND=django.core.mail.backends.smtp.EmailBackend EMAIL_HOST=127.0.0.1 EMAIL_PORT=$SMTP_PORT
log "soak: ${SOAK_DURATION} s; load $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
mkdir -p "$OUT/pids"
# In the background and waited for, so a signal to this script runs the trap at once.
"$PY" bench/soak/soak.py --out "$OUT" --big-meeting "$BIG" --smtp-port "$SMTP_PORT" &
echo $! > "$OUT/pids/0-soak"
wait $! || status=$?
rm -f "$OUT/pids/0-soak"
log "done ($status): $OUT"
exit "$status"
