#!/usr/bin/env bash
# Serves the release build (as `make run` does, through scripts/serve.sh) on a spare port against
# a fresh database with the demo county, runs the browser journeys, and stops the server however
# they end.
set -euo pipefail
cd "$(dirname "$0")/.."
url=$(scripts/db.sh test)
base=${url%/*}
db=portal_e2e
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
cd tests/e2e
# Every journey; or, named as arguments (`scripts/e2e.sh applications.test.mjs`), only those.
if [ $# -gt 0 ]; then
  PORTAL_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 "$@"
else
  PORTAL_URL="http://127.0.0.1:$port" npm test
fi
