"""The audit trail (`audit_events`): who viewed record-level data (the page and its filters),
who downloaded what, and who changed reference data (assumptions, targets, settings, change
points). Events are appended, never changed."""

from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Engine, insert, select

from data.bulk import read_frame
from data.models import AuditEvent

ACTIONS = ("view", "download", "edit")
COLUMNS = ("event_id", "at", "who", "action", "page", "detail")


def record_event(engine: Engine, who: str, action: str, page: str, detail: str,
                 now: datetime | None = None) -> None:
    """Append one event. Raises ValueError for an action not in ACTIONS or an empty `who`."""
    if action not in ACTIONS:
        raise ValueError(f"action: {action!r} is not one of {', '.join(ACTIONS)}")
    if not who.strip():
        raise ValueError("who: the person (or visitor) is required")
    with engine.begin() as conn:
        conn.execute(insert(AuditEvent.__table__).values(
            at=(now or datetime.now(UTC)).astimezone(UTC), who=who.strip()[:200],
            action=action, page=page[:100], detail=detail))


def read_events(engine: Engine, limit: int = 5000) -> pl.DataFrame:
    """The latest `limit` events, newest first."""
    c = AuditEvent.__table__.c
    with engine.connect() as conn:
        return read_frame(conn, select(*(c[n] for n in COLUMNS))
                          .order_by(c.event_id.desc()).limit(limit))

