#!/usr/bin/env bash
# Back up the warehouse that WAREHOUSE_URL names (the default: data/warehouse.db) into a
# directory, one file per run, named by the time in UTC, and print its path:
#   PostgreSQL  warehouse-<time>.dump  pg_dump's custom format of the warehouse's schema (its
#               tables, triggers and grants), read in one snapshot while loads and edits go on
#   SQLite      warehouse-<time>.db    a copy made through SQLite's backup API, consistent
#               even while the dashboard reads and a load writes
# Restore: README, "Backups and restore". A backup is written under a temporary name and
# renamed once complete, so a file named warehouse-* is always whole.
#
# Usage: deploy/backup.sh [DIRECTORY]   (default /var/backups/once-and-done)
# ONCE_AND_DONE_BACKUP_KEEP_DAYS=N deletes this directory's backups older than N days, once
# the new one is written.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$root/.venv/bin/python"
dest="${1:-/var/backups/once-and-done}"
url="${WAREHOUSE_URL:-sqlite:///$root/data/warehouse.db}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
umask 077  # a backup holds every record the warehouse does: for the service account alone
mkdir -p "$dest"

# The URL's parts as libpq's variables (the password in the environment, never in a command
# line that `ps` shows), or the SQLite file's path.
parts="$("$python" - "$url" <<'PY'
import shlex
import sys

from sqlalchemy.engine import make_url

url = make_url(sys.argv[1])
if url.get_backend_name() == "sqlite":
    print(f"kind=sqlite\nfile={shlex.quote(url.database or '')}")
elif url.get_backend_name() == "postgresql":
    options = url.query.get("options")
    variables = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username,
                 "PGPASSWORD": url.password, "PGDATABASE": url.database,
                 "PGOPTIONS": options if isinstance(options, str) else None}
    print("kind=postgresql")
    for name, value in variables.items():
        if value is not None:
            print(f"export {name}={shlex.quote(str(value))}")
else:
    sys.exit(f"backup.sh: cannot back up a {url.get_backend_name()} warehouse")
PY
)"
eval "$parts"

if [ "$kind" = sqlite ]; then
  if [ ! -f "$file" ]; then
    echo "backup.sh: no SQLite warehouse at $file" >&2
    exit 1
  fi
  out="$dest/warehouse-$stamp.db"
  "$python" - "$file" "$out.partial" <<'PY'
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

# mode=rw: never create an empty warehouse where the path is wrong.
source = Path(sys.argv[1]).resolve().as_uri() + "?mode=rw"
with closing(sqlite3.connect(source, uri=True)) as warehouse, \
        closing(sqlite3.connect(sys.argv[2])) as copy:
    warehouse.backup(copy)
PY
else
  # The warehouse is the schema the role works in (roles.sql gives it one of its own);
  # dumping the schema alone keeps other schemas of the same database out of the backup.
  schema="$(psql -X -A -t -v ON_ERROR_STOP=1 -c 'SELECT current_schema()')"
  if [ -z "$schema" ]; then
    echo "backup.sh: the warehouse's role has no schema in its search_path" >&2
    exit 1
  fi
  out="$dest/warehouse-$stamp.dump"
  pg_dump --format=custom --schema="\"$schema\"" --file="$out.partial"
  pg_restore --list "$out.partial" >/dev/null  # readable as a whole
fi
mv "$out.partial" "$out"

if [ -n "${ONCE_AND_DONE_BACKUP_KEEP_DAYS:-}" ]; then
  find "$dest" -maxdepth 1 -type f -name 'warehouse-*' -mtime "+$ONCE_AND_DONE_BACKUP_KEEP_DAYS" \
    ! -name "$(basename "$out")" -delete
fi
echo "$out"
