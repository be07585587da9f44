#!/usr/bin/env bash
# Verification by code (GET /api/v1/verify/{code}) on PostgreSQL, one server process reached
# directly against the shipped nginx site (deploy/nginx, ports and paths substituted) in front
# of one and of two server processes, over plain HTTP and over TLS. wrk on the same machine,
# 64 connections, BENCH_DURATION (10 s) per run. Prints a Markdown table for bench/report.md
# ("Verification through nginx"). Builds the release server binary first (or uses
# BENCH_SERVER=path).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=64
ROWS=${BENCH_CERTIFICATES:-100000}
SERVER=${BENCH_SERVER:-$ROOT/target/release/server}

apt_install wrk nginx openssl
ensure_postgres
if [ -z "${BENCH_SERVER:-}" ]; then
  # Only the server binary: the API needs no wasm (nginx answers 404 for a missing /pkg/ file).
  step "Building the release server (cargo build --release -p server --bin server)"
  export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
  cargo build --release -p server --bin server
fi

WORK=$(mktemp -d)
chmod 755 "$WORK"
DB="certportal_bench_$$"
URL="${TEST_DATABASE_URL%/*}/$DB"
cleanup() {
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
  kill $(jobs -p) 2>/dev/null
  wait 2>/dev/null
  psql "$TEST_DATABASE_URL" -qtAX -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

step "Seeding PostgreSQL with $ROWS certificates (server gen-import, import)"
psql "$TEST_DATABASE_URL" -qtAX -c "CREATE DATABASE $DB" >/dev/null
export DATABASE_URL="$URL" PORTAL_DATA_DIR="$WORK/data" PORTAL_LOG=warn
# The development data key the `serve --demo` processes below also find in the data directory.
mkdir -p "$WORK/data"
"$SERVER" data-key generate --out "$WORK/data/data.key" >/dev/null
"$SERVER" migrate
"$SERVER" keys generate >/dev/null
"$SERVER" gen-import "$WORK/rows.csv" --rows "$ROWS" >/dev/null
"$SERVER" import "$WORK/rows.csv" --json | tail -n 1
# The code of an e-certificate's QR link; every electronic certificate has one.
psql "$URL" -qtAX -c "SELECT 'e-' || public_id FROM certificates WHERE electronic" >"$WORK/codes.txt"
note "$(wc -l <"$WORK/codes.txt") codes"

step "Two server processes, as deploy/systemd/certportal@.service runs them"
PORTS=("$(free_port)" "$(free_port)")
for port in "${PORTS[@]}"; do
  LEPTOS_SITE_ROOT="$ROOT/target/site" PORTAL_TRUSTED_PROXIES=127.0.0.1/32 \
    "$SERVER" serve --demo --listen "127.0.0.1:$port" >"$WORK/server-$port.log" 2>&1 &
done
for port in "${PORTS[@]}"; do
  until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.05; done
done

# nginx_up PORT [PORT] — (re)starts nginx with the shipped site, its upstream naming these
# ports, on $HTTP (plain, the shipped locations) and $HTTPS (the shipped TLS server).
HTTP=$(free_port)
HTTPS=$(free_port)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=127.0.0.1 -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null
nginx_up() {
  if [ -f "$WORK/nginx.pid" ]; then
    kill "$(cat "$WORK/nginx.pid")"
    while [ -f "$WORK/nginx.pid" ]; do sleep 0.05; done
  fi
  local second=(-e '/127.0.0.1:3002/d')
  [ $# -gt 1 ] && second=(-e "s/127.0.0.1:3002/127.0.0.1:$2/")
  sed -e "s/127.0.0.1:3001/127.0.0.1:$1/" "${second[@]}" \
    -e "s/listen 80;/listen 127.0.0.1:$(free_port);/" -e '/listen \[::\]/d' \
    -e "s/listen 443 ssl http2;/listen 127.0.0.1:$HTTPS ssl http2;/" \
    -e "s#/etc/ssl/certs/certs.example.org.fullchain.pem#$WORK/tls.crt#" \
    -e "s#/etc/ssl/private/certs.example.org.key#$WORK/tls.key#" \
    -e "s#/srv/certportal/site#$ROOT/target/site#" \
    -e "s#/etc/nginx/snippets/certportal-locations.conf#$ROOT/deploy/nginx/certportal-locations.conf#" \
    deploy/nginx/certportal.conf >"$WORK/site.conf"
  cat >"$WORK/nginx.conf" <<EOF
$([ "$(id -u)" -eq 0 ] && echo "user root;")
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $WORK/body;
  proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi;
  scgi_temp_path $WORK/scgi;
  include $WORK/site.conf;
  server {
    listen 127.0.0.1:$HTTP;
    root $ROOT/target/site;
    include $ROOT/deploy/nginx/certportal-locations.conf;
  }
}
EOF
  nginx -p "$WORK" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf"
  until curl -fs "http://127.0.0.1:$HTTP/healthz" >/dev/null 2>&1; do sleep 0.05; done
}

ROWS_OUT=()
load() { # label base-url
  local label=$1 base=$2 out rps p50 p99 errors load_before
  curl -fsk "$base/api/v1/verify/$(head -n 1 "$WORK/codes.txt")" >/dev/null
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  note "$label"
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/bench/random_code.lua \
    "$base/api/v1/verify/" -- "$WORK/codes.txt")
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  errors=$(awk '/Non-2xx/ { print $NF } /Socket errors/ { print }' <<<"$out" | paste -sd' ')
  ROWS_OUT+=("| $label | ${rps%.*} | $p50 | $p99 | ${errors:-0} | $load_before |")
  RPS[$label]=${rps%.*}
}
declare -A RPS

step "Load: verification by code, $DURATION per run, $CONNECTIONS connections"
load "one process, direct" "http://127.0.0.1:${PORTS[0]}"
nginx_up "${PORTS[0]}"
load "nginx (HTTP) → one process" "http://127.0.0.1:$HTTP"
nginx_up "${PORTS[@]}"
load "nginx (HTTP) → two processes" "http://127.0.0.1:$HTTP"
load "nginx (TLS) → two processes" "https://127.0.0.1:$HTTPS"

step "Result"
echo "| Path | Requests/s | p50 | p99 | Errors | Load before |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${ROWS_OUT[@]}"
base=${RPS["one process, direct"]}
for label in "nginx (HTTP) → one process" "nginx (HTTP) → two processes" "nginx (TLS) → two processes"; do
  note "$label / one process direct: $(python3 -c "print(f'{${RPS[$label]} / $base:.2f}')")"
done
echo "cores: $(nproc), $(nginx -v 2>&1), PostgreSQL $(psql "$URL" -qtAX -c 'SHOW server_version')"
