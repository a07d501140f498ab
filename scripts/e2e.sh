#!/usr/bin/env bash
# Runs the browser journeys against the release build served on a fresh database
# (scripts/with-server.sh): every journey, or, named as arguments
# (`scripts/e2e.sh applications.test.mjs`), only those.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then
  exec scripts/with-server.sh bash -c 'cd tests/e2e && node --test --test-concurrency=1 "$@"' journeys "$@"
fi
exec scripts/with-server.sh bash -c 'cd tests/e2e && npm test'
