#!/usr/bin/env bash
# Rebuilds the offline query data in .sqlx/ from a scratch database holding the migrations,
# so builds (and CI) check every query without a database. Run after changing a query.
set -euo pipefail
cd "$(dirname "$0")/.."
url=$(scripts/db.sh test)
base=${url%/*}
psql "$base/postgres" -qc "drop database if exists portal_build" -c "create database portal_build" >/dev/null
for f in migrations/*.sql; do psql "$base/portal_build" -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null; done
rm -rf .sqlx && mkdir .sqlx
# The query macros write their data to SQLX_OFFLINE_DIR while they check against the database.
touch app/src/lib.rs server/src/lib.rs
SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$PWD/.sqlx" DATABASE_URL="$base/portal_build" \
  LEPTOS_OUTPUT_NAME=portal RUSTFLAGS='--cfg erase_components' cargo build --workspace --tests
echo "$(ls .sqlx | wc -l) queries in .sqlx/"
