#!/usr/bin/env bash
# Writes .br and .gz beside each built asset, so the server sends them compressed without
# spending CPU per request (brotli at its best level takes seconds on a big WASM).
set -euo pipefail
cd "$(dirname "$0")/.."
for f in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  [ -f "$f" ] || continue
  brotli -f -q 11 -o "$f.br" "$f"
  gzip -f -9 -k "$f"
  # Both tools copy the source's time (brotli to the second): stamp them newer, or the server
  # takes them for stale copies of an older build and removes them.
  touch "$f.br" "$f.gz"
done
