# Sourced by scripts/backup.sh and scripts/restore.sh.
#
# pg_tool URL TOOL: the path of TOOL (pg_dump, pg_restore) of the same major version as the
# PostgreSQL server at URL. pg_dump refuses a server newer than itself, and pg_restore cannot
# read a dump written by a newer pg_dump: the server's own version is always right. Debian keeps
# each version's programs under /usr/lib/postgresql/<major>/bin (scripts/db.sh runs the newest).
pg_tool() {
  local version major bin
  version=$(psql "$1" -XtAc 'show server_version_num') || { echo "cannot reach PostgreSQL at $1" >&2; return 1; }
  major=$((version / 10000))
  bin=/usr/lib/postgresql/$major/bin/$2
  [ -x "$bin" ] || { echo "$2 of PostgreSQL $major is not installed (looked for $bin)" >&2; return 1; }
  echo "$bin"
}
