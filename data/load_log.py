"""The load log's two cheap steps, with SQLAlchemy Core alone (no models, no polars): whether
these exact bytes were loaded before, and the record of a file that loaded nothing.

A re-sent file needs nothing more, so `pipelines.resent` answers it before the load path's
imports (polars, great-expectations), which take seconds. `data.loads` holds the rest of the
log (a load's own record, the data quality page's reads).
"""

from sqlalchemy import BigInteger, Connection, Engine, String, column, insert, inspect, select
from sqlalchemy import table as table_clause

from data.types import UtcDateTime
from data.versions import moved

# `data.models.LoadLog`'s table as these statements need it; a test keeps the two alike.
LOAD_LOG = table_clause(
    "load_log",
    column("load_id", BigInteger), column("feed", String), column("source_system", String),
    column("file_name", String), column("sha256", String), column("status", String),
    *(column(f"rows_{n}", BigInteger)
      for n in ("read", "inserted", "updated", "unchanged", "quarantined")),
    column("started_at", UtcDateTime()), column("finished_at", UtcDateTime()),
    column("errors", String))


def already_loaded(conn: Connection, feed: str, source_system: str, digest: str,
                   other_than: int | None = None) -> bool:
    """Whether these exact bytes were loaded before as this feed from this source system (by a
    load other than `other_than`: the one asking, once it has opened its log under the lock)."""
    log = LOAD_LOG.c
    found = conn.execute(select(log.load_id).where(
        log.sha256 == digest, log.feed == feed, log.source_system == source_system,
        log.status == "loaded", log.load_id != (other_than or 0)).limit(1))
    return found.first() is not None


def record_alone(engine: Engine, record: dict) -> None:
    """Record a file that loaded nothing (skipped or rejected), in a transaction of its own
    (`pipelines.results.unloaded_record`; `data.sqlite_log` writes the same without SQLAlchemy).
    """
    with engine.begin() as conn:
        conn.execute(insert(LOAD_LOG).values(**record))
        moved(conn, "loads")


def has_load_log(conn: Connection) -> bool:
    """Whether the warehouse has its load log yet (a new one has loaded nothing)."""
    return inspect(conn).has_table("load_log")
