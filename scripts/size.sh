#!/usr/bin/env bash
# Prints what a phone downloads for the release build: each asset raw, gzip and brotli; then,
# against the served build, each first page's bytes by type and Lighthouse's mobile figures
# (tests/e2e/size.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=target/site/pkg
[ -f "$pkg/portal.wasm" ] || { echo "no release build: run 'make release'" >&2; exit 1; }
printf '%-22s %10s %10s %10s\n' asset raw gzip brotli
for f in "$pkg/portal.wasm" "$pkg/portal.js" "$pkg/portal.css"; do
  [ -f "$f" ] || continue
  printf '%-22s %10d %10d %10d\n' "$(basename "$f")" "$(stat -c %s "$f")" \
    "$(gzip -9 -c "$f" | wc -c)" "$(brotli -q 11 -c "$f" | wc -c)"
done
echo
PORTAL_SERVED_DB=portal_size exec scripts/with-server.sh bash -c 'cd tests/e2e && node size.mjs'
