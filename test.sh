#!/usr/bin/env bash
# Run the test suite. Uses DATABASE_URL / REDIS_URL when set (as CI does), else SQLite and the file broker.
# Extra arguments go to pytest, e.g. ./test.sh tests/accounts -k import
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv requirements-dev.txt
export DJANGO_SETTINGS_MODULE=config.settings.test
export DJANGO_ALLOW_ASYNC_UNSAFE=true
exec "$VENV/bin/python" -m pytest "$@"
