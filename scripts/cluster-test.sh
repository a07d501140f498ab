#!/usr/bin/env bash
# The cluster test (`make cluster-test`, part of `make test`): a cluster of its own, started by
# scripts/cluster.sh on the test PostgreSQL (a fresh database), its own ports and state folder
# (.cluster-test/), sweeps every second; tests/cluster drives it through nginx. Then the backup
# test on the database it leaves behind (scripts/backup-test.sh). Whatever happens, the cluster
# is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
url=$(scripts/db.sh test)
base=${url%/*}
db=portal_cluster_test
export PORTAL_CLUSTER_DIR=$PWD/.cluster-test
# A run killed too hard to clean up (SIGKILL) may have left its clusters: stop those first.
scripts/cluster.sh down >/dev/null 2>&1 || true
PORTAL_CLUSTER_DIR=$PORTAL_CLUSTER_DIR/restored scripts/cluster.sh down >/dev/null 2>&1 || true
rm -rf "$PORTAL_CLUSTER_DIR"
PGOPTIONS="-c client_min_messages=warning" psql "$base/postgres" -qc "drop database if exists $db with (force)" -c "create database $db" >/dev/null

export DATABASE_URL=$base/$db PORTAL_CLUSTER_SIZE=2 PORTAL_SWEEP_SECONDS=1
export PORTAL_CLUSTER_PORT=${PORTAL_CLUSTER_TEST_PORT:-3200} PORTAL_CLUSTER_APP_PORT=$(( ${PORTAL_CLUSTER_TEST_PORT:-3200} + 11 ))
trap 'scripts/cluster.sh down >/dev/null || echo "cluster-test: stopping the cluster failed (see $PORTAL_CLUSTER_DIR)" >&2' EXIT
# The processes run in sessions of their own (a Ctrl-C does not reach them): on a signal, exit
# through the trap that stops them.
trap 'exit 130' INT TERM HUP
started=$(date +%s)
mkdir -p "$PORTAL_CLUSTER_DIR"
scripts/cluster.sh up >"$PORTAL_CLUSTER_DIR/up.log" 2>&1 || { cat "$PORTAL_CLUSTER_DIR/up.log" >&2; exit 1; }
echo "cluster up in $(( $(date +%s) - started )) s:"
scripts/cluster.sh status
PORTAL_URL="http://127.0.0.1:$(source "$PORTAL_CLUSTER_DIR/settings"; echo "$front_port")" \
  node --test --test-reporter=spec tests/cluster/cluster.test.mjs
# Stopped before the backup, so the copy can be compared with a database nobody writes to.
scripts/cluster.sh down
trap - EXIT
scripts/backup-test.sh "$DATABASE_URL"
