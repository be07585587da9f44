#!/usr/bin/env bash
# Import benchmark: builds the server in release, generates a file of ROWS (default 1,000,000)
# valid certificate records with the project's own generator (`server gen-import`), imports it
# into a fresh SQLite file and a fresh PostgreSQL database, then imports it again (every row
# unchanged), and reports rows/s, seconds and peak memory (max RSS) of each run.
#
# The last line of the output is one JSON object, for reports:
#   {"rows":…,"file_bytes":…,"cores":…,"sqlite":{"first":{…},"again":{…}},"postgres":{…}}
# where each run is the import's own JSON summary plus "max_rss_kb" and "load_before" (the
# 1-minute load average when it started: other work on the machine slows a run down).
#
# Usage: ./scripts/bench-import.sh            (ROWS=200000 ./scripts/bench-import.sh for less)
# PostgreSQL: the local one the test command sets up (TEST_DATABASE_URL), or BENCH_DATABASE_URL
# naming a server where the role may create databases.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ROWS=${ROWS:-1000000}
apt_install time
if [ -z "${BENCH_DATABASE_URL:-}" ]; then
  ensure_postgres
  BENCH_DATABASE_URL=$TEST_DATABASE_URL
fi

step "Building the server (cargo build --release -p server)"
cargo build --release -p server
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/server"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-import.XXXXXX")
PG_DB="portal_bench_$$"
PG_URL="${BENCH_DATABASE_URL%/*}/$PG_DB"
cleanup() {
  rm -rf "$WORK"
  psql "$BENCH_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

step "Generating $ROWS rows (server gen-import)"
"$BIN" gen-import "$WORK/import.csv" --rows "$ROWS" --seed 1
FILE_BYTES=$(stat -c %s "$WORK/import.csv")
# The import opens the database like the server, with a data key file.
"$BIN" data-key generate --out "$WORK/data.key" >/dev/null
export PORTAL_DATA_KEY_FILE="$WORK/data.key"

# settle — waits (at most 90 s) for the 1-minute load average to fall below 1: the load tests
# that bench.sh runs just before would otherwise take a share of the two cores.
settle() {
  local waited=0
  while [ "$waited" -lt 90 ] && awk '{ exit !($1 >= 1.0) }' /proc/loadavg; do
    sleep 5
    waited=$((waited + 5))
  done
}

# run NAME URL — one import, timed; leaves NAME.json (summary + max RSS + load).
run() {
  local name=$1 url=$2 load
  settle
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f '%M' -o "$WORK/$name.rss" \
    "$BIN" import "$WORK/import.csv" --database-url "$url" --json --progress none \
    --rejects "$WORK/$name.rejects.csv" >"$WORK/$name.out"
  local summary rss
  summary=$(tail -n 1 "$WORK/$name.out")
  rss=$(tail -n 1 "$WORK/$name.rss")
  printf '%s' "${summary%\}},\"max_rss_kb\":$rss,\"load_before\":$load}" >"$WORK/$name.json"
  note "$name: $(grep -o '"rows_per_s":[0-9.]*' "$WORK/$name.json" | cut -d: -f2) rows/s, max RSS ${rss} KB (load before: $load)"
}

step "SQLite: fresh file, then the same file again"
run sqlite-first "sqlite://$WORK/bench.db"
run sqlite-again "sqlite://$WORK/bench.db"

step "PostgreSQL: fresh database, then the same file again"
psql "$BENCH_DATABASE_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
run postgres-first "$PG_URL"
run postgres-again "$PG_URL"

printf '{"rows":%s,"file_bytes":%s,"cores":%s,"sqlite":{"first":%s,"again":%s},"postgres":{"first":%s,"again":%s}}\n' \
  "$ROWS" "$FILE_BYTES" "$(nproc)" \
  "$(cat "$WORK/sqlite-first.json")" "$(cat "$WORK/sqlite-again.json")" \
  "$(cat "$WORK/postgres-first.json")" "$(cat "$WORK/postgres-again.json")"
