#!/usr/bin/env bash
# Prints a DATABASE_URL to use. With DATABASE_URL already set it is used as it is;
# otherwise a project-local PostgreSQL is started (data in .pgdata/, kept across runs).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; exit 0; fi

port=${PORTAL_PG_PORT:-54329}
root=$PWD/.pgdata
data=$root/data
url="postgres://portal@127.0.0.1:$port/portal"

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
export PATH="$PATH:$pgbin"

# initdb refuses to run as root: then the server runs as the postgres user.
if [ "$(id -u)" = 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; owner=postgres; else as_pg() { "$@"; }; owner=$(id -un); fi

mkdir -p "$root"
if [ ! -f "$data/PG_VERSION" ]; then
  install -d -o "$owner" -m 700 "$data"
  as_pg initdb -D "$data" -A trust -U portal -E UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 \
    || { cat "$root/initdb.log" >&2; exit 1; }
fi
chown "$owner" "$root"
if ! as_pg pg_ctl -D "$data" status >/dev/null 2>&1; then
  as_pg pg_ctl -D "$data" -w -l "$root/server.log" \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $root -c max_connections=200 -c fsync=off" start >/dev/null \
    || { tail -20 "$root/server.log" >&2; exit 1; }
fi
if ! psql -h 127.0.0.1 -p "$port" -U portal -d postgres -tAc "select 1 from pg_database where datname='portal'" | grep -q 1; then
  psql -h 127.0.0.1 -p "$port" -U portal -d postgres -qc "create database portal" >/dev/null
fi
echo "$url"
