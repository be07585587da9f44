#!/usr/bin/env bash
# The browser half: the weight of every page with islands (HTML, the islands it wakes, the
# shared loader and wasm; raw, gzip -9, brotli 11) and the time to interactive of the
# annotation application page on an emulated Moto G4 over slow 4G (Lighthouse's throttling,
# 4× CPU), median of BENCH_RUNS (5) cold loads. Prints a Markdown section for bench/report.md
# ("The browser half"). Builds the release site first (or uses what is built with
# BENCH_NO_BUILD=1).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

RUNS=${BENCH_RUNS:-5}
ensure_build_tools
ensure_browser
ensure_e2e_deps
[ -n "${BENCH_NO_BUILD:-}" ] || build_release

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LEPTOS_SITE_ROOT="$ROOT/target/site" PORTAL_LOG=warn DATABASE_URL="" \
  "$ROOT/target/release/server" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK" --demo-data \
  >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.1; done

step "Weighing the pages and timing the annotation page ($RUNS cold loads)"
(cd end2end && node perf/browser.mjs "http://127.0.0.1:$PORT" "$RUNS") >"$WORK/browser.json"
python3 - "$WORK/browser.json" "$(git rev-parse --short HEAD)" <<'PY'
import json, sys, datetime
r = json.load(open(sys.argv[1]))
n = lambda x: f"{x:,}"
print(f"Measured by `./scripts/bench-browser.sh` on "
      f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d}, release build at `{sys.argv[2]}`.\n")
print("| Shared by every page with islands | Raw | gzip | brotli |\n| --- | ---: | ---: | ---: |")
for kind in ("wasm", "js"):
    f = r["files"][kind]
    print(f"| {kind} | {n(f['raw'])} | {n(f['gzip'])} | {n(f['brotli'])} |")
print("\n| Page | Islands | HTML raw | gzip | brotli |\n| --- | --- | ---: | ---: | ---: |")
for path, p in r["pages"].items():
    h = p["html"]
    print(f"| `{path}` | {', '.join(p['islands']) or '—'} | {n(h['raw'])} | {n(h['gzip'])} | {n(h['brotli'])} |")
print(f"\nTime to interactive of `{r['page']}` (until `<body data-hydrated>`), Moto G4, 150 ms, "
      f"1.6 Mbit/s down, CPU 4× slower, empty cache, median of {r['runs']}: "
      f"**{n(r['interactive_ms'])} ms** (load event {n(r['load_ms'])} ms; "
      f"{n(r['script_bytes'])} bytes of script and wasm over the wire).")
PY
