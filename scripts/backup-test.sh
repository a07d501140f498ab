#!/usr/bin/env bash
# The backup test (run by scripts/cluster-test.sh on the database the cluster test leaves: the
# demo county, tickets with their timelines, outages, notifications and deliveries):
#   scripts/backup-test.sh SOURCE_DATABASE_URL
# backs it up with scripts/backup.sh, restores it with scripts/restore.sh into a fresh database,
# and checks that every ticket is there and every table has the same rows counted; then serves
# the copy (a one-process cluster) and signs in on it. Nothing may write to the source meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:?usage: scripts/backup-test.sh SOURCE_DATABASE_URL}
server=${src%/*}
copy=portal_backup_test
PGOPTIONS="-c client_min_messages=warning" psql "$server/postgres" -Xqc "drop database if exists $copy with (force)" >/dev/null
work=$(mktemp -d)
export PORTAL_CLUSTER_DIR=$PWD/.cluster-test/restored
trap 'scripts/cluster.sh down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

file=$(DATABASE_URL=$src PORTAL_BACKUP_DIR=$work scripts/backup.sh)
DATABASE_URL=$src scripts/restore.sh "$file" "$copy" >/dev/null

q() { psql "$1" -XtAq -v ON_ERROR_STOP=1 -c "$2"; }
tickets="select c.number from cases c join tickets t on t.id = c.id order by 1"
# Rows in every table of the portal's schema, one line per table.
counts="select table_name || ' ' || (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I', table_name), false, true, '')))[1]::text
        from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1"
fail() { echo "backup test: $*" >&2; exit 1; }
[ "$(q "$src" "$tickets" | wc -l)" -gt 0 ] || fail "the source has no tickets to check"
diff <(q "$src" "$tickets") <(q "$server/$copy" "$tickets") >&2 || fail "the restored ticket numbers differ (above)"
diff <(q "$src" "$counts") <(q "$server/$copy" "$counts") >&2 || fail "the restored tables' row counts differ (above)"
n() { q "$server/$copy" "select count(*) from $1"; }
echo "backup test: $(du -h "$file" | cut -f1) dump restored: $(n tickets) tickets, $(n cases) cases, $(n users) users," \
  "$(n case_events) timeline entries, $(n notifications) notifications; every table's rows as in the source"

# The copy is a working portal: it migrates (nothing to do), serves, and a household signs in
# and opens its ticket.
PORTAL_CLUSTER_SIZE=1 PORTAL_CLUSTER_PORT=3250 PORTAL_CLUSTER_APP_PORT=3261 DATABASE_URL=$server/$copy \
  scripts/cluster.sh up >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; fail "the restored database does not serve"; }
base="http://127.0.0.1:$(source "$PORTAL_CLUSTER_DIR/settings"; echo "$front_port")"
number=$(q "$server/$copy" "select c.number from cases c join tickets t on t.id = c.id join customers cu on cu.id = c.customer_id
                            join users u on u.id = cu.user_id where u.phone = '13800000001' order by c.id limit 1")
[ -n "$number" ] || fail "no ticket of household 13800000001 in the copy"
cookie=$(curl -fsS -o /dev/null -D - -H "Origin: $base" --data 'identifier=13800000001&password=demo1234' "$base/api/sign_in" \
  | sed -n 's/^set-cookie: \(portal_session=[^;]*\).*/\1/Ip')
[ -n "$cookie" ] || fail "signing in on the restored copy gave no session"
status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base/tickets/$number")
[ "$status" = 200 ] || fail "ticket $number on the restored copy: $status"
echo "backup test: the copy serves; household 13800000001 signs in and opens ticket $number"
