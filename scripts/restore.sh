#!/usr/bin/env bash
# `make restore FILE=backups/….dump [INTO=name]`: restores a dump made by scripts/backup.sh into
# a new database on the same PostgreSQL server (DATABASE_URL's, else the project-local one) and
# prints its DATABASE_URL. An existing database is never touched, the live one included: to
# serve the copy, point DATABASE_URL at it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/backup-pg.sh
file=${1:-}
[ -n "$file" ] || { echo "usage: make restore FILE=backups/<name>.dump [INTO=<new database>]" >&2; exit 2; }
[ -f "$file" ] || { echo "no file $file" >&2; exit 1; }
url=$(scripts/db.sh)
server=${url%/*}
into=${2:-portal_restored_$(date -u +%Y%m%d_%H%M%S)}
[[ $into =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { echo "database name: lower-case letters, digits and _ ($into)" >&2; exit 1; }
if [ "$(psql "$server/postgres" -XtAc "select count(*) from pg_database where datname = '$into'")" != 0 ]; then
  echo "database $into exists: restore never overwrites one; choose another INTO=" >&2
  exit 1
fi
pg_restore=$(pg_tool "$server/postgres" pg_restore)
"$pg_restore" --list "$file" >/dev/null || { echo "$file is not a dump in pg_dump's custom format" >&2; exit 1; }
psql "$server/postgres" -Xqc "create database $into" >/dev/null
# One transaction: the copy is complete or, on any error, empty (and dropped).
if ! "$pg_restore" --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$server/$into" "$file"; then
  psql "$server/postgres" -Xqc "drop database $into" >/dev/null
  echo "restore failed; nothing kept" >&2
  exit 1
fi
echo "restored $file into a new database:"
echo "DATABASE_URL=$server/$into"
