"""A re-sent file answered in a blink: `python -m pipelines ingest` looks for the file's bytes in
the load log before it imports the load path (polars and great-expectations take seconds).

This is the load path's own first look (`pipelines.ingest.load`), made earlier: bytes recorded
as loaded stay loaded, so a file found here is skipped and recorded exactly as the load path
would skip and record it. A file not found goes the whole way, where the look is made again
under the load lock before anything is written. On a SQLite warehouse the look and the record
go through the standard library (`data.sqlite_log`) before SQLAlchemy is imported; on any other,
or when that way cannot tell, through SQLAlchemy.
"""

from datetime import UTC, datetime

from data.location import sqlite_file
from data.sqlite_log import logged_if_loaded
from pipelines.results import LoadResult, skipped, unloaded_record


def skipped_if_loaded(url: str, feed: str, source_system: str, name: str,
                      digest: str) -> LoadResult | None:
    """The skipped file's result (recorded in the load log) when these bytes were loaded before
    as `feed` from `source_system`; None when they must go through the load path."""
    log = dict(feed=feed, source_system=source_system, file_name=name, sha256=digest,
               started_at=datetime.now(UTC))
    result = skipped(feed, name)
    found = None
    if (path := sqlite_file(url)) is not None:
        found = logged_if_loaded(path, unloaded_record(log, result))
    if found is None:
        found = _logged_through_sqlalchemy(url, log, result)
    return result if found else None


def _logged_through_sqlalchemy(url: str, log: dict, result: LoadResult) -> bool:
    # Imported only here: SQLAlchemy's import is most of the answer's time (data.sqlite_log).
    from data.connect import connect_engine  # noqa: PLC0415
    from data.load_log import already_loaded, has_load_log, record_alone  # noqa: PLC0415

    engine = connect_engine(url)
    try:
        with engine.connect() as conn:
            # A warehouse without a load log yet has loaded nothing; the load path creates it.
            if not has_load_log(conn) or not already_loaded(
                    conn, log["feed"], log["source_system"], log["sha256"]):
                return False
        record_alone(engine, unloaded_record(log, result))
        return True
    finally:
        engine.dispose()
