#!/usr/bin/env bash
# `make backup`: a dump of the portal's database (DATABASE_URL, else the project-local one that
# `make run` uses, started if it is not running) in a dated file under backups/ (git-ignored;
# PORTAL_BACKUP_DIR to change). Prints the file's path on stdout, the rest on stderr.
#
# Consistent while the portal keeps writing: pg_dump reads every table in one transaction, from
# one snapshot. Custom format (-Fc): compressed, and scripts/restore.sh restores it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/backup-pg.sh
url=$(scripts/db.sh)
pg_dump=$(pg_tool "$url" pg_dump)
dir=${PORTAL_BACKUP_DIR:-backups}
# The dump holds names, phone numbers, addresses and password hashes: readable by its owner only.
umask 077
mkdir -p "$dir"
name=${url##*/}
name=${name%%\?*}
file=$dir/$name-$(date -u +%Y%m%dT%H%M%SZ).dump
[ ! -e "$file" ] || { echo "$file exists already" >&2; exit 1; }
# Written under a temporary name first: a dump cut short never looks like a finished one.
"$pg_dump" --format=custom --file="$file.partial" "$url"
mv "$file.partial" "$file"
echo "backed up ${url%%\?*} ($(du -h "$file" | cut -f1)); restore with: make restore FILE=$file" >&2
echo "$file"
