#!/usr/bin/env bash
# Regenerate graphql/schema.graphql: Saleor's schema with the CRM plugin's fields, printed
# by Saleor's own `manage.py get_graphql_schema` with the plugin enabled (tests.settings
# adds it to PLUGINS and INSTALLED_APPS; AppConfig.ready() adds the fields).
# Needs the Saleor environment described in the README (SALEOR_VENV, /opt/saleor/src or
# SALEOR_SRC). No database is written.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/.." && pwd)
source "$repo/scripts/env.sh"
SALEOR_SRC=${SALEOR_SRC:-/opt/saleor/src}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cd "$repo"
DJANGO_SETTINGS_MODULE=tests.settings "$SALEOR_PYTHON" "$SALEOR_SRC/manage.py" get_graphql_schema >"$tmp"
grep -q "customerSegmentPreview" "$tmp" || { echo "error: the printed schema lacks the CRM fields" >&2; exit 1; }
mv "$tmp" "$here/graphql/schema.graphql"
trap - EXIT
echo "wrote $here/graphql/schema.graphql"
