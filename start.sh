#!/usr/bin/env bash
# Set everything up and run the app on its embedded defaults (SQLite, file broker):
# virtual environment, packages, migrations, demo data, then web + worker + beat in the foreground.
# Usage: ./start.sh [ADDR:PORT]     (default 127.0.0.1:8000; Ctrl-C stops all three)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv requirements.txt
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
"$VENV/bin/python" manage.py migrate --noinput
"$VENV/bin/python" manage.py seed_demo
exec "$VENV/bin/python" manage.py runstack "$@"
