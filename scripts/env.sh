# Sourced by scripts/test and scripts/demo: find the Saleor environment, or fail fast.
#
# Convention: SALEOR_VENV names a Python 3.12 virtualenv holding Saleor 3.23.x with its
# locked dependencies (default /opt/saleor/venv). See README.md, "Installing Saleor".
# Nothing here writes to that environment: our own test packages go to .deps/.

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SALEOR_VENV=${SALEOR_VENV:-/opt/saleor/venv}
SALEOR_PYTHON=${SALEOR_PYTHON:-$SALEOR_VENV/bin/python}

saleor_missing() {
  cat >&2 <<MSG
error: Saleor 3.23 is not importable from $SALEOR_PYTHON
  $1
This project runs inside a Saleor 3.23.x environment (Python 3.12). Install Saleor from
https://github.com/saleor/saleor (tag 3.23.x) with its locked dependencies into a
virtualenv, then point SALEOR_VENV at it (default /opt/saleor/venv). README.md,
"Installing Saleor", gives the commands.
MSG
  exit 3
}

[ -x "$SALEOR_PYTHON" ] || saleor_missing "(no such interpreter)"
saleor_version=$(timeout 30 "$SALEOR_PYTHON" -c 'import saleor; print(saleor.__version__)' 2>/dev/null) \
  || saleor_missing "(import saleor failed)"
case "$saleor_version" in
  3.23.*) ;;
  *) saleor_missing "(found Saleor $saleor_version)" ;;
esac

deps_dir="$repo_root/.deps"
# The `test` dependency group of pyproject.toml, resolved against the Saleor environment:
# only what that environment lacks goes to .deps/ (see scripts/install_test_deps.py);
# reinstalled when the group or the environment changes, otherwise a quick stamp check.
ensure_test_deps() {
  "$SALEOR_PYTHON" -I "$repo_root/scripts/install_test_deps.py" "$deps_dir"
}

export PYTHONPATH="$repo_root:$deps_dir${PYTHONPATH:+:$PYTHONPATH}"
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/saleor_crm}

# The dashboard extension, built into the Python package: `extension_build build` (and
# `build:host`, the browser tests' stand-in Dashboard page). node_modules follows the
# lockfile: installed again only when package-lock.json changed. A failed build prints
# its output and stops.
extension_build() {
  command -v npm >/dev/null || { echo "error: npm (Node 20) is needed to build dashboard-extension/" >&2; exit 1; }
  (
    cd "$repo_root/dashboard-extension"
    if ! cmp -s package-lock.json node_modules/.package-lock.json.installed 2>/dev/null; then
      echo "Installing the dashboard extension's packages (npm ci)..."
      npm ci --no-audit --no-fund --loglevel=error
      cp package-lock.json node_modules/.package-lock.json.installed
    fi
    echo "Building the dashboard extension..."
    local log script
    log=$(mktemp)
    for script in "$@"; do
      npm run "$script" >>"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
    done
    rm -f "$log"
  )
}
