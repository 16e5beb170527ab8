"""A re-sent file answered in a blink: `python -m pipelines ingest` looks for the file's bytes in
the load log before it imports the load path (polars and great-expectations take seconds).

This is the load path's own first look (`pipelines.ingest.load`), made earlier: bytes recorded
as loaded stay loaded, so a file found here is skipped and recorded exactly as the load path
would skip and record it. A file not found goes the whole way, where the look is made again
under the load lock before anything is written.
"""

from datetime import UTC, datetime

from data.connect import connect_engine
from data.load_log import already_loaded, has_load_log
from pipelines.results import LoadResult, record_unloaded, skipped


def skipped_if_loaded(url: str, feed: str, source_system: str, name: str,
                      digest: str) -> LoadResult | None:
    """The skipped file's result (recorded in the load log) when these bytes were loaded before
    as `feed` from `source_system`; None when they must go through the load path."""
    started = datetime.now(UTC)
    engine = connect_engine(url)
    try:
        with engine.connect() as conn:
            # A warehouse without a load log yet has loaded nothing; the load path creates it.
            if not has_load_log(conn) or not already_loaded(
                    conn, feed, source_system, digest):
                return None
        result = skipped(feed, name)
        record_unloaded(engine, dict(feed=feed, source_system=source_system, file_name=name,
                                     sha256=digest, started_at=started), result)
        return result
    finally:
        engine.dispose()
