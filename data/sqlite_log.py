"""A re-sent file's look and record in the load log of a SQLite warehouse, through the standard
library's sqlite3: `data.load_log`'s `already_loaded` and `record_alone`, without SQLAlchemy, whose
import alone (0.25 s) was most of the answer (`pipelines.resent`).

The statements are those SQLAlchemy writes for the two, and the values are stored as it stores
them (instants as UTC text, `data.types`); tests/pipelines/test_resent.py compares the records
the two ways write. Anything this way cannot do (no such file, a locked or read-only warehouse)
is left to SQLAlchemy's, which answers for it: nothing is written here unless all of it is.
"""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

# SQLAlchemy's text for a SQLite DATETIME, which `data.types.UtcDateTime` binds in UTC.
STORED_INSTANT = "%Y-%m-%d %H:%M:%S.%f"
BUSY_SECONDS = 30  # as `data.connect`'s busy_timeout: a running load holds the write lock
HAS_LOAD_LOG = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'load_log'"
LOADED = ("SELECT load_id FROM load_log WHERE sha256 = :sha256 AND feed = :feed"
          " AND source_system = :source_system AND status = 'loaded' LIMIT 1")
MOVE_LOADS = ("INSERT INTO warehouse_versions (part, version) VALUES ('loads', 1)"
              " ON CONFLICT (part) DO UPDATE SET version = warehouse_versions.version + 1")


def logged_if_loaded(path: Path, record: dict) -> bool | None:
    """Whether the bytes of `record` (its feed, source_system and sha256) were loaded before;
    if they were, `record` (the load log's columns, `pipelines.results.unloaded_record`) is
    written and the `loads` version moved, in one transaction. None when this way cannot tell
    or write: then nothing was written."""
    try:
        # mode=rw: a file that does not exist is not created (the load path creates warehouses).
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True,
                               isolation_level=None, timeout=BUSY_SECONDS)
    except sqlite3.Error:
        return None
    try:
        if (conn.execute(HAS_LOAD_LOG).fetchone() is None
                or conn.execute(LOADED, record).fetchone() is None):
            return False
        stored = {k: _stored(v) for k, v in record.items()}
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"INSERT INTO load_log ({', '.join(stored)}) "
                     f"VALUES ({', '.join(f':{k}' for k in stored)})", stored)
        conn.execute(MOVE_LOADS)
        conn.execute("COMMIT")
        return True
    except sqlite3.Error:
        return None  # closing without COMMIT rolls back
    finally:
        conn.close()


def _stored(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(STORED_INSTANT)
    return value
