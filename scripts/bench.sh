#!/usr/bin/env bash
# Measures the product on SQLite and on PostgreSQL, side by side, and writes bench/report.md
# and bench/report.json (a column per backend and scale; a run replaces its own scale's
# columns and keeps the others).
#
#   ./scripts/bench.sh               100,000 certificates (about 10 minutes)
#   ./scripts/bench.sh --scale 1m    1,000,000
#   ./scripts/bench.sh --scale 10m   10,000,000 certificates of 1,000,000 holders (37 minutes)
#
# For each backend it loads the same generated file (`server gen-import --holders`) twice: raw
# (`sqlite3 .import` / `psql \copy` into a table with the same indexes the file can fill) and
# through the real `server import`; registers the holders and gives a tenth of the
# certificates a ready annotation (`bench seed`); reports the database's size; starts the
# server (start-up time, idle memory); spot-checks ownership, the 3-per-90-days limit and
# verdicts (`bench check`: a wrong answer fails the run); then puts the verification API (beside
# a bare axum handler doing the same lookup), the verification page and a holder's certificate
# list under load (wrk, 64 connections, loopback, median of BENCH_RUNS runs). Page weight and
# annotation render + sign and queue latency are measured once. Installs what is missing first
# (wrk, brotli, sqlite3, the build tools, PostgreSQL) and tunes PostgreSQL as
# deploy/postgresql/README.md says.
#
# BENCH_RUNS (3) and BENCH_DURATION (10s): wrk runs per figure and their length;
# BENCH_BACKENDS ("sqlite postgres"); BENCH_SETTLE (60): the most seconds to wait for an idle
# machine before a timed step; BENCH_NO_BUILD=1 measures the binaries already built.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

SCALE=100k
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --scale=*) SCALE=${1#--scale=}; shift ;;
    *) echo "usage: $0 [--scale 100k|1m|10m]" >&2; exit 2 ;;
  esac
done
case "$SCALE" in
  100k) CERTIFICATES=100000 ;;
  1m) CERTIFICATES=1000000 ;;
  10m) CERTIFICATES=10000000 ;;
  *) echo "unknown scale $SCALE (100k, 1m or 10m)" >&2; exit 2 ;;
esac
HOLDERS=$((CERTIFICATES / 10))
ANNOTATIONS=$((CERTIFICATES / 10))
RUNS=${BENCH_RUNS:-3}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=64
BACKENDS=${BENCH_BACKENDS:-sqlite postgres}

ensure_fonts
ensure_build_tools
apt_install wrk brotli sqlite3 time
ensure_postgres
tune_postgres
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  build_release
  step "Building the bench tool"
  cargo build --release -p server --bin bench
fi
BIN=target/release

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
RESULTS="$WORK/results.jsonl"
PG_DB="portal_bench_$$"
PG_RAW="portal_bench_raw_$$"
cleanup() {
  local status=$?
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  for db in "$PG_DB" "$PG_RAW"; do
    psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
record() { printf '%s\n' "$1" >>"$RESULTS"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# settle — waits (at most BENCH_SETTLE, 60 s) for the 1-minute load average to fall below 1, so
# that a timed step does not share the cores with the work just before it.
settle() {
  local waited=0
  while [ "$waited" -lt "${BENCH_SETTLE:-60}" ] && awk '{ exit !($1 >= 1.0) }' /proc/loadavg; do
    sleep 5
    waited=$((waited + 5))
  done
}
load_average() { cut -d' ' -f1 /proc/loadavg; }
# elapsed COMMAND… — runs it; prints its seconds.
elapsed() {
  local start=$(date +%s%N)
  "$@" >/dev/null
  python3 -c "print(($(date +%s%N) - $start) / 1e9)"
}

# ---- page weight ----
step "Page weight"
size_of() { # file → {"raw":…,"gzip":…,"brotli":…}
  printf '{"raw":%s,"gzip":%s,"brotli":%s}' "$(stat -c %s "$1")" \
    "$(gzip -9c "$1" | wc -c)" "$(brotli -c -q 11 "$1" | wc -c)"
}
# The build names the files by content; hash.txt says which are current.
built() { echo "target/site/pkg/certportal.$(sed -n "s/^$1: *//p" target/site/hash.txt).$1"; }
record "{\"kind\":\"weight\",\"wasm\":$(size_of "$(built wasm)"),\"js\":$(size_of "$(built js)"),\"css\":$(size_of "$(built css)")}"

# ---- the data ----
step "Generating $CERTIFICATES certificates of $HOLDERS holders (server gen-import)"
FILE="$WORK/certificates.csv"
"$BIN/server" gen-import "$FILE" --rows "$CERTIFICATES" --holders "$HOLDERS" --seed 1
record "{\"kind\":\"file\",\"rows\":$CERTIFICATES,\"holders\":$HOLDERS,\"bytes\":$(stat -c %s "$FILE")}"
# Every process opens the databases with the same data key, as one deployment would.
"$BIN/server" data-key generate --out "$WORK/data.key" >/dev/null
export PORTAL_DATA_KEY_FILE="$WORK/data.key"
mkdir -p "$WORK/data"

# The file's 13 columns, for the raw loads.
COLUMNS="cert_number, holder_id_type, holder_id_number, holder_name, qualification, level, \
specialty, issued_on, issuer, electronic, status, revoked_on, revocation_reason"

# raw_load BACKEND — loads the file with the database's own bulk tool into a table with the
# indexes the portal's certificates table has that the file can fill (integer primary key,
# unique certificate number, the owner index; in SQLite the rowid is the primary key, as
# `id INTEGER PRIMARY KEY` is in the portal's table); prints the seconds.
raw_load() {
  case "$1" in
    sqlite)
      rm -f "$WORK/raw.db"
      local columns=${COLUMNS//, / TEXT, }
      elapsed sqlite3 "$WORK/raw.db" \
        "PRAGMA journal_mode = WAL" "PRAGMA synchronous = FULL" \
        "CREATE TABLE raw_certificates ($columns TEXT)" \
        "CREATE UNIQUE INDEX raw_by_number ON raw_certificates (cert_number)" \
        "CREATE INDEX raw_by_owner ON raw_certificates (holder_id_type, holder_id_number, holder_name)" \
        ".import --csv --skip 1 $FILE raw_certificates"
      rm -f "$WORK"/raw.db*
      ;;
    postgres)
      local url="${TEST_DATABASE_URL%/*}/$PG_RAW" columns=${COLUMNS//, / TEXT, }
      psql "$TEST_DATABASE_URL" -qc "CREATE DATABASE $PG_RAW" >/dev/null
      psql "$url" -qc "CREATE TABLE raw_certificates (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, $columns TEXT)" \
        -c "CREATE UNIQUE INDEX raw_by_number ON raw_certificates (cert_number)" \
        -c "CREATE INDEX raw_by_owner ON raw_certificates (holder_id_type, holder_id_number, holder_name)" >/dev/null
      elapsed psql "$url" -qc "\\copy raw_certificates ($COLUMNS) FROM '$FILE' WITH (FORMAT csv, HEADER true)"
      psql "$TEST_DATABASE_URL" -qc "DROP DATABASE $PG_RAW WITH (FORCE)" >/dev/null
      ;;
  esac
}

# sizes BACKEND URL — the database's size, and each table's and its indexes', in bytes.
sizes() {
  case "$1" in
    sqlite)
      local path=${2#sqlite://}
      sqlite3 "$path" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
      sqlite3 -json "$path" "SELECT coalesce(m.tbl_name, s.name) AS tbl, \
        sum(CASE WHEN m.type = 'index' THEN s.pgsize ELSE 0 END) AS indexes, \
        sum(CASE WHEN m.type = 'index' THEN 0 ELSE s.pgsize END) AS data \
        FROM dbstat s LEFT JOIN sqlite_schema m ON m.name = s.name \
        WHERE coalesce(m.tbl_name, s.name) IN ('certificates', 'holders', 'annotations') GROUP BY tbl" |
        python3 -c "import json,sys,os; rows=json.load(sys.stdin); print(json.dumps({'total': os.path.getsize('$path'), 'tables': {r['tbl']: {'data': r['data'], 'indexes': r['indexes']} for r in rows}}))"
      ;;
    postgres)
      psql "$2" -qtAc "VACUUM ANALYZE" -c "SELECT json_build_object('total', pg_database_size(current_database()), \
        'tables', json_object_agg(relname, json_build_object('data', pg_table_size(oid), 'indexes', pg_indexes_size(oid)))) \
        FROM pg_class WHERE relname IN ('certificates', 'holders', 'annotations') AND relkind = 'r'" | tail -n 1
      ;;
  esac
}

load() { # backend name url [wrk options…] [-- script arguments…] → one JSON line per run
  local backend=$1 name=$2 url=$3
  shift 3
  # wrk takes its options, then the URL, then `--` and the script's own arguments.
  local options=() script_args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do options+=("$1"); shift; done
  script_args=("$@")
  for run in $(seq "$RUNS"); do
    note "$backend $name: run $run of $RUNS"
    local out
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "${options[@]}" "$url" "${script_args[@]}")
    local rps p50 p99 errors
    rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    # Non-2xx answers and socket errors make a figure worthless: count them.
    errors=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")
    record "{\"kind\":\"load\",\"backend\":\"$backend\",\"name\":\"$name\",\"run\":$run,\"rps\":$rps,\"p50\":\"$p50\",\"p99\":\"$p99\",\"errors\":$errors}"
  done
}

for BACKEND in $BACKENDS; do
  case "$BACKEND" in
    sqlite) DB="sqlite://$WORK/bench.db" ;;
    postgres)
      DB="${TEST_DATABASE_URL%/*}/$PG_DB"
      psql "$TEST_DATABASE_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
      ;;
  esac

  step "$BACKEND: the raw load of the file, for comparison"
  settle
  load_before=$(load_average)
  raw_seconds=$(raw_load "$BACKEND")
  record "{\"kind\":\"raw_load\",\"backend\":\"$BACKEND\",\"rows\":$CERTIFICATES,\"seconds\":$raw_seconds,\"load_before\":$load_before}"
  note "$(python3 -c "print(f'{$CERTIFICATES / $raw_seconds:,.0f} rows/s')")"

  step "$BACKEND: server import of the file into a fresh database"
  settle
  load_before=$(load_average)
  # A first load, into a database no server uses yet: large batches (README, Import file).
  /usr/bin/time -f '%M' -o "$WORK/import.rss" "$BIN/server" import "$FILE" --database-url "$DB" \
    --batch-size 2000000 --batch-seconds 300 --json --progress none >"$WORK/import.out"
  summary=$(tail -n 1 "$WORK/import.out")
  record "{\"kind\":\"import\",\"backend\":\"$BACKEND\",\"result\":${summary%\}},\"max_rss_kb\":$(tail -n 1 "$WORK/import.rss"),\"load_before\":$load_before}}"
  note "$(grep -o '"rows_per_s":[0-9.]*' <<<"$summary")"

  step "$BACKEND: $HOLDERS holders and $ANNOTATIONS annotations (bench seed)"
  seeded=$("$BIN/bench" seed --database-url "$DB" --data-dir "$WORK/data" --holders "$HOLDERS" \
    --annotations "$ANNOTATIONS" --codes "$WORK/codes.txt" | tail -n 1)
  record "{\"kind\":\"seed\",\"backend\":\"$BACKEND\",\"result\":$seeded}"
  LOGIN=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['login'])" "$seeded")
  LAST_ANNOTATED=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['last_annotated_certificate'])" "$seeded")

  step "$BACKEND: database size"
  record "{\"kind\":\"size\",\"backend\":\"$BACKEND\",\"result\":$(sizes "$BACKEND" "$DB")}"

  step "$BACKEND: start-up time and idle memory"
  settle
  PORT=$(free_port)
  BASE="http://127.0.0.1:$PORT"
  start_ns=$(date +%s%N)
  PORTAL_LOG=warn LEPTOS_SITE_ROOT="$ROOT/target/site" "$BIN/server" serve --demo \
    --listen "127.0.0.1:$PORT" --database-url "$DB" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  until curl -fs "$BASE/healthz" >/dev/null 2>&1; do sleep 0.005; done
  startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
  sleep 2
  record "{\"kind\":\"startup\",\"backend\":\"$BACKEND\",\"ms\":$startup_ms,\"idle_rss_kb\":$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')}"

  step "$BACKEND: spot checks of the rules on the data (bench check)"
  checked=$("$BIN/bench" check --database-url "$DB" --data-dir "$WORK/data" --base "$BASE" \
    --codes "$WORK/codes.txt" --rows "$CERTIFICATES" --holders "$HOLDERS" \
    --last-annotated "$LAST_ANNOTATED" | tail -n 1)
  record "{\"kind\":\"check\",\"backend\":\"$BACKEND\",\"result\":$checked}"

  BARE_PORT=$(free_port)
  "$BIN/bench" bare --database-url "$DB" --listen "127.0.0.1:$BARE_PORT" >"$WORK/bare.log" 2>&1 &
  BARE_PID=$!
  until curl -fs "http://127.0.0.1:$BARE_PORT/api/v1/verify/x" >/dev/null 2>&1; do sleep 0.01; done

  # A signed-in holder with ten certificates, for the list page.
  rm -f "$WORK/cookies"
  curl -fs -o /dev/null -c "$WORK/cookies" -H "Origin: $BASE" \
    --data-urlencode id_type=resident --data-urlencode "id_number=$LOGIN" \
    --data-urlencode password=Bench2026pass --data-urlencode next=/certificates "$BASE/login"
  SID=$(awk '$6 == "sid" { print $7 }' "$WORK/cookies")
  [ -n "$SID" ] || { echo "bench login failed" >&2; exit 1; }
  html_raw=$(curl -fs -H "Cookie: sid=$SID" "$BASE/certificates" | wc -c)
  html_gzip=$(curl -fs -H "Cookie: sid=$SID" -H "Accept-Encoding: gzip" "$BASE/certificates" | wc -c)
  html_br=$(curl -fs -H "Cookie: sid=$SID" -H "Accept-Encoding: br" "$BASE/certificates" | wc -c)
  record "{\"kind\":\"list_html\",\"backend\":\"$BACKEND\",\"raw\":$html_raw,\"gzip\":$html_gzip,\"brotli\":$html_br}"

  step "$BACKEND: the verification API (by code) and the bare handler, side by side"
  settle
  ( sleep 5; ps -o rss= -p "$SERVER_PID" >"$WORK/load_rss" ) &
  load "$BACKEND" verify_api "$BASE/api/v1/verify/" -s scripts/bench/random_code.lua -- "$WORK/codes.txt"
  load "$BACKEND" bare_api "http://127.0.0.1:$BARE_PORT/api/v1/verify/" -s scripts/bench/random_code.lua -- "$WORK/codes.txt"
  record "{\"kind\":\"load_rss\",\"backend\":\"$BACKEND\",\"kb\":$(tr -d ' ' <"$WORK/load_rss")}"
  step "$BACKEND: the verification page and the signed-in certificate list"
  load "$BACKEND" verify_page "$BASE/verify/" -s scripts/bench/random_code.lua -- "$WORK/codes.txt"
  load "$BACKEND" certificate_list "$BASE/certificates" -H "Cookie: sid=$SID"
  kill "$SERVER_PID" "$BARE_PID"
  wait "$SERVER_PID" "$BARE_PID" 2>/dev/null || true

  # Free the disk for the next backend (10M certificates take gigabytes).
  case "$BACKEND" in
    sqlite) rm -f "$WORK"/bench.db* ;;
    postgres) psql "$TEST_DATABASE_URL" -qc "DROP DATABASE $PG_DB WITH (FORCE)" >/dev/null ;;
  esac
done

# ---- annotation ----
step "Annotation: render + sign on one core, and the queue with 100 submitted at once"
settle
taskset -c 0 "$BIN/bench" render --count 500 | tail -n 1 |
  sed 's/^/{"kind":"render","result":/; s/$/}/' >>"$RESULTS"
"$BIN/bench" queue --annotations 100 | tail -n 1 |
  sed 's/^/{"kind":"queue","result":/; s/$/}/' >>"$RESULTS"

# ---- report ----
step "Writing bench/report.md and bench/report.json"
mkdir -p bench
python3 scripts/bench/report.py "$RESULTS" "$SCALE" bench/report.json bench/report.md
cat bench/report.md
