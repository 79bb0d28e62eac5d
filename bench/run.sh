#!/usr/bin/env bash
# Measure the CRM plugin against Saleor without it; write docs/benchmarks.md.
#   bench/run.sh        (sizes: see bench/main.py; about 5 minutes, plus ~4 minutes of
#                        Saleor migrations the first time)
#
# Uses its own database (DATABASE_URL, default saleor_crm_bench: created, migrated and
# given Saleor's sample data once) and its own Redis database as the Celery broker
# (BENCH_REDIS_URL, default redis://127.0.0.1:6379/5). No Celery worker runs: the
# plugin's hooks can only enqueue, which is what the checkout benchmark checks.
set -euo pipefail

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/saleor_crm_bench}
source "$(dirname "$0")/../scripts/env.sh"
source "$repo_root/demo/env.sh"

redis_url=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/5}
local_saleor_env "$repo_root/.demo/bench" "$redis_url" "http://127.0.0.1:8000"
export DJANGO_SETTINGS_MODULE=demo.settings
export DEBUG=False
export ALLOWED_HOSTS=testserver,localhost,127.0.0.1
export ALLOWED_CLIENT_HOSTS=localhost,127.0.0.1
require_redis "$redis_url"

cd "$repo_root"
# Locust, the load tool of section 7 (bench.http_load), in a virtualenv of its own under
# .bench-venv (gitignored), never in Saleor's; made once, remade when the version changes.
locust_version=2.47.0
case ",${BENCH_SECTIONS:-7}," in
  *,7,*)
    if ! "$repo_root/.bench-venv/bin/locust" --version 2>/dev/null | grep -q "locust $locust_version "; then
      echo "bench: installing locust $locust_version into .bench-venv" >&2
      "$SALEOR_PYTHON" -m venv --clear "$repo_root/.bench-venv"
      "$repo_root/.bench-venv/bin/pip" install --quiet --disable-pip-version-check "locust==$locust_version"
    fi
    ;;
esac
# Migrations and the sample data in a process of their own (see bench.main.prepare):
# the measuring process must not inherit what migrations leave in Saleor's caches.
if [ "$("$SALEOR_PYTHON" -m demo.database check)" = prepare ]; then
  "$SALEOR_PYTHON" -m django shell -c 'from bench.main import prepare; prepare()'
  "$SALEOR_PYTHON" -m demo.database stamp
fi
exec "$SALEOR_PYTHON" -m django shell -c 'from bench.main import main; main()'
