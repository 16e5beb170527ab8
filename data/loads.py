"""The record of every file offered to the load path (`load_log`) and of every row it
quarantined (`quarantine_rows`): writing it during a load, and the bounded reads behind the
data quality page. Its two cheap steps (bytes loaded before, a file that loaded nothing) are in
`data.load_log`."""

from datetime import datetime

import polars as pl
from sqlalchemy import Connection, func, insert, select, update

from data.bulk import read_frame
from data.models import LoadLog, QuarantineRow
from data.run_lock import warehouse_key
from data.versions import moved

# PostgreSQL advisory lock held by a load for its whole transaction: one load at a time in
# each warehouse.
LOAD_LOCK = 4242
HISTORY_COLUMNS = ("load_id", "feed", "source_system", "file_name", "status", "rows_read",
                   "rows_inserted", "rows_updated", "rows_unchanged", "rows_quarantined",
                   "started_at", "finished_at", "errors")
QUARANTINE_COLUMNS = ("load_id", "feed", "source_system", "file_name", "row_number", "record_id",
                      "reasons", "raw_text", "safeguarding")


def open_log(conn: Connection, **values) -> int:
    """Start the record of a load inside its transaction; returns its load_id.

    On PostgreSQL it first waits for any other load to finish, so that each load reads what
    the previous one wrote; on SQLite this first write takes the database's write lock for the
    whole load.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(*warehouse_key(LOAD_LOCK))))
    opened = insert(LoadLog).values(**values, status="loaded",
                                    finished_at=values["started_at"])
    return conn.execute(opened.returning(LoadLog.load_id)).scalar_one()


def close_log(conn: Connection, load_id: int, feed: str, **values) -> None:
    """Finish the record of a load, moving the versions of the load log and of its feed."""
    conn.execute(update(LoadLog).where(LoadLog.load_id == load_id).values(**values))
    moved(conn, "loads", feed)


def load_history(conn: Connection, limit: int) -> pl.DataFrame:
    """The `limit` most recent loads, newest first."""
    log = LoadLog.__table__.c
    return read_frame(conn, select(*(log[c] for c in HISTORY_COLUMNS))
                      .order_by(log.load_id.desc()).limit(limit))


def quarantine_rows(conn: Connection, limit: int) -> pl.DataFrame:
    """The first `limit` quarantined rows, newest load first, each load's rows in file order."""
    q = QuarantineRow.__table__.c
    return read_frame(conn, select(*(q[c] for c in QUARANTINE_COLUMNS))
                      .order_by(q.load_id.desc(), q.row_number).limit(limit))


def quarantine_reasons(conn: Connection) -> pl.DataFrame:
    """feed, reasons, rows: the quarantine grouped by its lists of rules (small, whatever the
    number of rows)."""
    q = QuarantineRow.__table__.c
    return read_frame(conn, select(q.feed, q.reasons, func.count().label("rows"))
                      .group_by(q.feed, q.reasons))


def latest_loads(conn: Connection) -> pl.DataFrame:
    """feed, source_system, latest_load_at: when each one's latest loaded file finished."""
    log = LoadLog.__table__.c
    return read_frame(conn, select(log.feed, log.source_system,
                                   func.max(log.finished_at).label("latest_load_at"))
                      .where(log.status == "loaded").group_by(log.feed, log.source_system))


def latest_load_at(conn: Connection) -> datetime | None:
    """When the latest file offered to the load path finished."""
    return conn.execute(select(func.max(LoadLog.finished_at))).scalar_one()
