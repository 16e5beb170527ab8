"""The warehouse side of `python -m pipelines run`: each source's runs, the watermark of an
HTTP source, and which exports were loaded before. SQLAlchemy Core, bound parameters only."""

from collections.abc import Iterable
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Connection, Engine, func, insert, select, update

from data.models import LoadLog, SourceRun, SourceWatermark

UTC_TIME = pl.Datetime("us", "UTC")
RUN_COLUMNS = ["source", "adapter", "feed", "status", "started_at", "finished_at", "inputs",
               "records_read", "records_excluded", "records_combined", "rows_read",
               "rows_inserted", "rows_updated", "rows_unchanged", "rows_quarantined",
               "unmapped", "errors"]


def loaded_digests(engine: Engine, feed: str, source_system: str,
                   digests: Iterable[str]) -> set[str]:
    """Which of these SHA-256 digests were loaded before for this feed and source system."""
    digests = list(digests)
    if not digests:
        return set()
    with engine.connect() as conn:
        found = conn.execute(select(LoadLog.sha256).where(
            LoadLog.feed == feed, LoadLog.source_system == source_system,
            LoadLog.status == "loaded", LoadLog.sha256.in_(digests)))
        return {digest for (digest,) in found}


def read_watermark(conn: Connection, source: str) -> datetime | None:
    """The source's watermark (UTC), None before its first pull."""
    found = conn.execute(select(SourceWatermark.watermark).where(
        SourceWatermark.source == source)).scalar_one_or_none()
    return _utc(found)


def advance_watermark(conn: Connection, source: str, instant: datetime) -> None:
    """Move the source's watermark to `instant` if that is later; never backwards. Runs in the
    caller's transaction (the load that loaded the request)."""
    current = read_watermark(conn, source)
    now = datetime.now(UTC)
    if current is None:
        conn.execute(insert(SourceWatermark).values(source=source, watermark=instant,
                                                    updated_at=now))
    elif instant > current:
        conn.execute(update(SourceWatermark).where(SourceWatermark.source == source)
                     .values(watermark=instant, updated_at=now))


def record_run(engine: Engine, run: dict) -> None:
    """Keep one source's run (the keys of RUN_COLUMNS; JSON columns already as text)."""
    with engine.begin() as conn:
        conn.execute(insert(SourceRun).values(**{k: run[k] for k in RUN_COLUMNS}))


def latest_runs(engine: Engine) -> pl.DataFrame:
    """Each source's latest run (RUN_COLUMNS) with its watermark, by source name."""
    latest = (select(func.max(SourceRun.run_id).label("run_id"))
              .group_by(SourceRun.source).subquery())
    query = (select(*(SourceRun.__table__.c[c] for c in RUN_COLUMNS), SourceWatermark.watermark)
             .join(latest, SourceRun.run_id == latest.c.run_id)
             .outerjoin(SourceWatermark, SourceWatermark.source == SourceRun.source)
             .order_by(SourceRun.source))
    schema = {c: _dtype(c) for c in [*RUN_COLUMNS, "watermark"]}
    with engine.connect() as conn:
        rows = [tuple(_utc(v) if isinstance(v, datetime) else v for v in row)
                for row in conn.execute(query)]
    return pl.DataFrame(rows, schema=schema, orient="row")


def _dtype(column: str) -> pl.DataType:
    if column.endswith("_at") or column == "watermark":
        return UTC_TIME
    if column.startswith(("records_", "rows_")):
        return pl.Int64
    return pl.String


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive UTC datetimes, PostgreSQL aware ones: both as aware UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
