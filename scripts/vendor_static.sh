#!/usr/bin/env bash
# Refresh the vendored front-end assets from npm (run after changing package.json).
# The app never loads anything from a CDN: bureau networks are often closed.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --ignore-scripts
mkdir -p static/vendor
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts.min.js
echo "vendored: htmx $(node -p "require('./node_modules/htmx.org/package.json').version")"
echo "vendored: echarts $(node -p "require('./node_modules/echarts/package.json').version")"
