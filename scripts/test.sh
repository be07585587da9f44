#!/usr/bin/env bash
# Runs every test: formatting and lints, unit tests, integration tests against SQLite and a
# real PostgreSQL, and the Playwright suite (desktop, mobile, no-JavaScript) against the
# release build. Installs and starts what is missing first.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
started=$(date +%s)
# A fresh checkout gains nothing from incremental caches, which would double the disk the build
# takes (set CARGO_INCREMENTAL=1 when iterating locally).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

ensure_fonts
ensure_browser
ensure_build_tools
ensure_postgres
ensure_nginx
ensure_e2e_deps
ensure_pyhanko
# Here a missing validator (pdfsig, pdftotext, pyHanko) or nginx fails the tests instead of
# skipping.
export CERTPDF_REQUIRE_TOOLS=1

step "Formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "Lints (clippy, server and browser builds)"
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p server --all-targets -- -D warnings
cargo clippy -p hanzi --all-targets -- -D warnings
cargo clippy -p certpdf --all-targets -- -D warnings
cargo clippy -p xtask --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "Unit tests"
cargo test -p app --features ssr
cargo test -p hanzi
cargo test -p certpdf
# In the profile `cargo xtask` runs in, which the site build below reuses.
cargo test -p xtask --profile xtask

step "Integration tests (SQLite and PostgreSQL at ${TEST_DATABASE_URL%%@*}@…)"
cargo test -p server

build_release

step "End-to-end tests (Playwright: desktop, mobile, no-JavaScript)"
(cd end2end && npx playwright test)

step "All tests passed in $(( $(date +%s) - started )) s"
