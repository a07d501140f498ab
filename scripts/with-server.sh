#!/usr/bin/env bash
# Serves the release build (as `make run` does, through scripts/serve.sh) on a spare port
# against a fresh database with the demo county, runs the given command with PORTAL_URL set,
# and stops the server however it ends. Used by the browser journeys and `make size`.
set -euo pipefail
cd "$(dirname "$0")/.."
url=$(scripts/db.sh test)
base=${url%/*}
db=${PORTAL_SERVED_DB:-portal_e2e}
psql "$base/postgres" -qc "drop database if exists $db with (force)" -c "create database $db" >/dev/null
port=${PORTAL_E2E_PORT:-3100}
# Another server (a `make run`, another checkout's tests) may hold the port: take the next free one.
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
log=target/e2e-server.log
DATABASE_URL="$base/$db" LEPTOS_SITE_ADDR=127.0.0.1:$port PORTAL_METRICS_ADDR= RUST_LOG=info scripts/serve.sh >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/signin" && break
  kill -0 $server 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.3
done
PORTAL_URL="http://127.0.0.1:$port" "$@"
