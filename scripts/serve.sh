#!/usr/bin/env bash
# Serves the release build exactly as users get it: the release server binary, the release site
# (WASM through wasm-opt, pre-compressed assets) and production settings, on DATABASE_URL with
# the demo county loaded once. `make run` and the browser journeys both start the portal here,
# so what the journeys test is what `make run` serves.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL must be set (scripts/db.sh prints one)}"
[ -x target/release/server ] && [ -f target/site/pkg/portal.wasm.br ] \
  || { echo "no release build: run 'make site'" >&2; exit 1; }
export PORTAL_DEMO_DATA=1 LEPTOS_ENV=PROD LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_ADDR=${LEPTOS_SITE_ADDR:-127.0.0.1:3000}
# Prometheus metrics on loopback only; set it empty to serve none.
export PORTAL_METRICS_ADDR=${PORTAL_METRICS_ADDR-127.0.0.1:9464}
exec target/release/server
