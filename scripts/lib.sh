# Shared set-up for the run, test and bench commands: installs what is missing and skips what
# is already there, so a second run starts at once. Sourced, not executed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/.tools"
export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"

BINARYEN_VERSION=132.0.0

step() { printf '\n\033[1;34m==>\033[0m \033[1m%s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_install PACKAGE... — installs the Debian packages that are not installed yet.
apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "Installing ${missing[*]} (apt)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The fonts the PDF renderer and the rare-character glyphs draw from (CJK, Extension B and up).
ensure_fonts() {
  apt_install fonts-noto-cjk fonts-hanazono fonts-babelstone-han
}

# The wasm target and wasm-opt. The site is built by `cargo xtask build-site` (xtask/), which
# compiles with the workspace and carries wasm-bindgen as a library at Cargo.lock's version:
# neither cargo-leptos nor the wasm-bindgen CLI is installed.
ensure_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! [ -x "$TOOLS/node_modules/.bin/wasm-opt" ]; then
    step "Installing wasm-opt (npm binaryen $BINARYEN_VERSION)"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
}

# Builds the release site (server binary, wasm, CSS; content-hashed names with .br/.gz copies)
# and switches target/site to it atomically; reports the wasm's sizes.
build_release() {
  step "Building the release site (cargo xtask build-site --release)"
  (cd "$ROOT" && cargo xtask build-site --release)
}

# A local PostgreSQL for the tests; exports TEST_DATABASE_URL (a role that may create and drop
# the throwaway databases each test uses).
ensure_postgres() {
  apt_install postgresql
  local cluster
  cluster=$(pg_lsclusters -h | head -n 1)
  if [ -z "$cluster" ]; then
    local version
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    as_root pg_createcluster "$version" main >/dev/null
    cluster=$(pg_lsclusters -h | head -n 1)
  fi
  local version name port status
  read -r version name port status _ <<<"$cluster"
  if [ "$status" != "online" ]; then
    step "Starting PostgreSQL $version/$name"
    as_root pg_ctlcluster "$version" "$name" start
  fi
  if [ "$(pg_admin "$port" -c "SELECT 1 FROM pg_roles WHERE rolname = 'portal_test'")" != "1" ]; then
    pg_admin "$port" -c "CREATE ROLE portal_test LOGIN CREATEDB PASSWORD 'portal_test'"
  fi
  export TEST_DATABASE_URL="postgres://portal_test:portal_test@127.0.0.1:$port/postgres"
}

# tune_postgres — installs deploy/postgresql/certportal.conf into the local cluster's conf.d and
# restarts it if that changed the file (the benchmark measures PostgreSQL as a deployer sets it up).
tune_postgres() {
  local version name
  read -r version name _ <<<"$(pg_lsclusters -h | head -n 1)"
  local target="/etc/postgresql/$version/$name/conf.d/certportal.conf"
  if ! cmp -s "$ROOT/deploy/postgresql/certportal.conf" "$target"; then
    step "Tuning PostgreSQL $version/$name (deploy/postgresql/certportal.conf)"
    as_root install -m 644 "$ROOT/deploy/postgresql/certportal.conf" "$target"
    as_root pg_ctlcluster "$version" "$name" restart
  fi
}

# pg_admin PORT PSQL-ARGS... — runs psql as the postgres superuser.
pg_admin() {
  local port=$1
  shift
  (cd / && as_root runuser -u postgres -- psql -p "$port" -qtAX "$@")
}

# nginx for the deployment test (server/tests/api/deployment.rs starts it itself, as a child
# process with its own configuration; the system's nginx service is not used).
ensure_nginx() {
  apt_install nginx
}

ensure_browser() {
  apt_install chromium poppler-utils zbar-tools
}

# pyHanko, a second, independent PDF signature validator for the signing tests.
ensure_pyhanko() {
  local venv="$TOOLS/pyhanko"
  if ! "$venv/bin/python" -c "import pyhanko, pyhanko_certvalidator" 2>/dev/null; then
    step "Installing pyHanko (PyPI) for the signature tests"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pyhanko==0.38.0"
  fi
  export CERTPDF_PYHANKO_PYTHON="$venv/bin/python"
}

ensure_e2e_deps() {
  if ! [ -d "$ROOT/end2end/node_modules/@playwright/test" ]; then
    step "Installing the Playwright test runner (npm; the browser is Debian's Chromium)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
}
