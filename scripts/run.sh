#!/usr/bin/env bash
# Runs the product on its embedded default (SQLite in ./data) with the demo data loaded.
# Installs what is missing first. Extra arguments go to the server (see `server --help`).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_fonts
ensure_build_tools
build_release

export PORTAL_DATA_DIR="${PORTAL_DATA_DIR:-$ROOT/data}"
export LEPTOS_SITE_ROOT="$ROOT/target/site"
step "Loading the demo data into $PORTAL_DATA_DIR"
./target/release/server demo-data
step "Starting the server (Ctrl-C stops it)"
# A demo instance: one-time codes go to the development outbox (`server outbox` shows them).
exec ./target/release/server serve --demo "$@"
