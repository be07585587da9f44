#!/usr/bin/env bash
# Measures the product and writes bench/report.md and bench/report.json: page weight, server
# pages and the verification API under load (wrk, 64 connections, loopback, SQLite with
# 100,000 certificates and annotations) beside a bare axum handler, annotation render + sign
# and queue latency, import speed, start-up time and memory. Each load figure is the median
# of several runs. Installs what is missing first (wrk, brotli, the build tools, PostgreSQL).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

RUNS=${BENCH_RUNS:-3}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=64
CERTIFICATES=${BENCH_CERTIFICATES:-100000}

ensure_fonts
ensure_build_tools
apt_install wrk brotli
build_release
step "Building the bench tool"
cargo build --release -p server --bin bench

WORK=$(mktemp -d)
RESULTS="$WORK/results.jsonl"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT
record() { printf '%s\n' "$1" >>"$RESULTS"; }

# ---- page weight ----
step "Page weight"
size_of() { # file → {"raw":…,"gzip":…,"brotli":…}
  printf '{"raw":%s,"gzip":%s,"brotli":%s}' "$(stat -c %s "$1")" \
    "$(gzip -9c "$1" | wc -c)" "$(brotli -c -q 11 "$1" | wc -c)"
}
# The build names the files by content; hash.txt says which are current.
built() { echo "target/site/pkg/certportal.$(sed -n "s/^$1: *//p" target/site/hash.txt).$1"; }
record "{\"kind\":\"weight\",\"wasm\":$(size_of "$(built wasm)"),\"js\":$(size_of "$(built js)"),\"css\":$(size_of "$(built css)")}"

# ---- data ----
step "Seeding SQLite with $CERTIFICATES certificates and annotations"
DB="sqlite://$WORK/bench.db"
./target/release/bench data --database-url "$DB" --certificates "$CERTIFICATES" --codes "$WORK/codes.txt" \
  --data-dir "$WORK/data" |
  tail -n 1 | sed 's/^/{"kind":"seed","result":/; s/$/}/' >>"$RESULTS"

# ---- start-up ----
step "Start-up time and idle memory"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
start_ns=$(date +%s%N)
PORTAL_LOG=warn LEPTOS_SITE_ROOT="$ROOT/target/site" ./target/release/server serve --demo \
  --listen "127.0.0.1:$PORT" --database-url "$DB" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
until curl -fs "$BASE/healthz" >/dev/null 2>&1; do sleep 0.005; done
startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
sleep 2
idle_rss_kb=$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')
record "{\"kind\":\"startup\",\"ms\":$startup_ms,\"idle_rss_kb\":$idle_rss_kb}"

# ---- bare handler, for comparison ----
BARE_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./target/release/bench bare --database-url "$DB" --listen "127.0.0.1:$BARE_PORT" >"$WORK/bare.log" 2>&1 &
until curl -fs "http://127.0.0.1:$BARE_PORT/api/v1/verify/x" >/dev/null 2>&1; do sleep 0.01; done

# ---- a signed-in holder, for the list page ----
curl -fs -o /dev/null -c "$WORK/cookies" -H "Origin: $BASE" \
  --data-urlencode id_type=resident --data-urlencode id_number=110105198001010016 \
  --data-urlencode password=Bench2026pass --data-urlencode next=/certificates "$BASE/login"
SID=$(awk '$6 == "sid" { print $7 }' "$WORK/cookies")
[ -n "$SID" ] || { echo "bench login failed" >&2; exit 1; }
html_raw=$(curl -fs -H "Cookie: sid=$SID" "$BASE/certificates" | wc -c)
html_gzip=$(curl -fs -H "Cookie: sid=$SID" -H "Accept-Encoding: gzip" "$BASE/certificates" | wc -c)
html_br=$(curl -fs -H "Cookie: sid=$SID" -H "Accept-Encoding: br" "$BASE/certificates" | wc -c)
record "{\"kind\":\"list_html\",\"raw\":$html_raw,\"gzip\":$html_gzip,\"brotli\":$html_br}"

# ---- load ----
FIRST_CODE=$(head -n 1 "$WORK/codes.txt")
load() { # name url [wrk options…] [-- script arguments…] → one JSON line per run
  local name=$1 url=$2
  shift 2
  # wrk takes its options, then the URL, then `--` and the script's own arguments.
  local options=() script_args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do options+=("$1"); shift; done
  script_args=("$@")
  for run in $(seq "$RUNS"); do
    note "$name: run $run of $RUNS"
    local out
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "${options[@]}" "$url" "${script_args[@]}")
    local rps p50 p99
    rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    record "{\"kind\":\"load\",\"name\":\"$name\",\"run\":$run,\"rps\":$rps,\"p50\":\"$p50\",\"p99\":\"$p99\"}"
  done
}
step "Load: verification API (by code) and the bare handler, side by side"
( sleep 5; ps -o rss= -p "$SERVER_PID" >"$WORK/load_rss" ) &
load verify_api "$BASE/api/v1/verify/" -s scripts/bench/random_code.lua -- "$WORK/codes.txt"
load bare_api "http://127.0.0.1:$BARE_PORT/api/v1/verify/" -s scripts/bench/random_code.lua -- "$WORK/codes.txt"
record "{\"kind\":\"load_rss\",\"kb\":$(tr -d ' ' <"$WORK/load_rss")}"
step "Load: the verification page and the signed-in certificate list"
load verify_page "$BASE/verify/" -s scripts/bench/random_code.lua -- "$WORK/codes.txt"
load certificate_list "$BASE/certificates" -H "Cookie: sid=$SID"
kill "$SERVER_PID"

# ---- annotation ----
step "Annotation: render + sign on one core, and the queue with 100 submitted at once"
taskset -c 0 ./target/release/bench render --count 500 | tail -n 1 |
  sed 's/^/{"kind":"render","result":/; s/$/}/' >>"$RESULTS"
./target/release/bench queue --annotations 100 | tail -n 1 |
  sed 's/^/{"kind":"queue","result":/; s/$/}/' >>"$RESULTS"

# ---- import ----
if [ -x scripts/bench-import.sh ]; then
  step "Import: 1,000,000 rows into SQLite and PostgreSQL"
  ensure_postgres
  scripts/bench-import.sh | tail -n 1 | sed 's/^/{"kind":"import","result":/; s/$/}/' >>"$RESULTS"
fi

# ---- report ----
step "Writing bench/report.md and bench/report.json"
mkdir -p bench
python3 scripts/bench/report.py "$RESULTS" bench/report.json bench/report.md
cat bench/report.md
