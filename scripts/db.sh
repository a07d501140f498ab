#!/usr/bin/env bash
# Prints a DATABASE_URL to use. With DATABASE_URL already set it is used as it is;
# otherwise a project-local PostgreSQL is started (data under .pgdata/, kept across runs).
#
# `scripts/db.sh` (what `make run` uses) starts a durable server: PostgreSQL's defaults, so an
# acknowledged report survives a crash or a power cut. `scripts/db.sh test` starts a second,
# separate server for the test suites only, which trades durability for speed (fsync off):
# its databases are made and thrown away by the tests.
#
# `scripts/db.sh outage` starts a third, durable server that the database-outage drill
# (`make drill-db-outage`) may crash on purpose; `scripts/db.sh outage kill` crashes it
# (an immediate stop: no checkpoint, clients cut off, as a lost machine does).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; exit 0; fi

if [ "${1:-}" = test ]; then
  root=$PWD/.pgdata/test
  default_port=$(( ${PORTAL_PG_PORT:-54329} + 10 ))
  speed="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
elif [ "${1:-}" = outage ]; then
  root=$PWD/.pgdata/outage
  default_port=$(( ${PORTAL_PG_PORT:-54329} + 20 ))
  speed=""
else
  root=$PWD/.pgdata
  default_port=${PORTAL_PG_PORT:-54329}
  speed=""
fi
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
export PATH="$PATH:$pgbin"

# initdb refuses to run as root: then the server runs as the postgres user.
if [ "$(id -u)" = 0 ]; then
  as_pg() { (cd / && runuser -u postgres -- "$@"); }
  owner=postgres
else
  as_pg() { "$@"; }
  owner=$(id -un)
fi

mkdir -p "$root"
data=$root/data
# pg_stat_statements counts the queries each statement costs (the live-update benchmark reads
# it; operators can too). It has to be loaded when the server starts.
stats="-c shared_preload_libraries=pg_stat_statements"
# A server started by an earlier version of this script (the durable one with fsync off, or
# either without pg_stat_statements) is restarted with today's settings.
if [ -f "$root/port" ] && as_pg pg_ctl -D "$(readlink -f "$data")" status >/dev/null 2>&1; then
  ask() { psql -h 127.0.0.1 -p "$(cat "$root/port")" -U portal -d postgres -tAc "$1" 2>/dev/null || true; }
  if { [ -z "$speed" ] && [ "$(ask 'show fsync')" = off ]; } \
    || [ "$(ask 'show shared_preload_libraries')" != pg_stat_statements ]; then
    as_pg pg_ctl -D "$(readlink -f "$data")" -w stop -m fast >/dev/null
  fi
fi
# The postgres user may not be able to reach into this checkout (a clone under /root, say):
# then the data lives in a folder of its own and .pgdata/data points there.
if [ ! -e "$data" ] && ! as_pg test -x "$root" 2>/dev/null; then
  elsewhere=/var/lib/portal-pgdata/$(echo -n "$root" | sha256sum | cut -c1-16)
  install -d -o "$owner" -m 700 "$elsewhere"
  ln -s "$elsewhere" "$data"
fi
# The server is given the real path: the link's own path runs through the unreachable folder.
data=$(readlink -f "$data")

if [ "${2:-}" = kill ]; then
  [ "$1" = outage ] || { echo "only the outage drill's server is crashed on purpose" >&2; exit 1; }
  as_pg pg_ctl -D "$data" -m immediate -w stop >/dev/null
  exit 0
fi

if [ ! -f "$data/PG_VERSION" ]; then
  install -d -o "$owner" -m 700 "$data"
  as_pg initdb -D "$data" -A trust -U portal -E UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 \
    || { cat "$root/initdb.log" >&2; exit 1; }
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! as_pg pg_ctl -D "$data" status >/dev/null 2>&1; then
  # Keep the port chosen the first time; move to the next one if something else holds it
  # (checked before starting, and again if the server still cannot bind).
  port=$(cat "$root/port" 2>/dev/null || echo "$default_port")
  started=no
  for _ in $(seq 1 20); do
    while ! port_free "$port"; do port=$((port + 1)); done
    if as_pg pg_ctl -D "$data" -w -l "$data/server.log" \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $data -c max_connections=200 $stats $speed" start >/dev/null 2>&1; then
      started=yes
      break
    fi
    port=$((port + 1))
  done
  [ $started = yes ] || { echo "PostgreSQL did not start:" >&2; tail -20 "$data/server.log" >&2; exit 1; }
  echo "$port" >"$root/port"
fi
port=$(cat "$root/port")
if ! psql -h 127.0.0.1 -p "$port" -U portal -d postgres -tAc "select 1 from pg_database where datname='portal'" | grep -q 1; then
  psql -h 127.0.0.1 -p "$port" -U portal -d postgres -qc "create database portal" >/dev/null
fi
echo "postgres://portal@127.0.0.1:$port/portal"
