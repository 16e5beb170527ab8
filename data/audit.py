"""The audit trail (`audit_events`): who viewed record-level data (the page and its filters),
who downloaded what, and who changed reference data (assumptions, targets, settings, change
points) or the role mapping. Events are appended, never changed, and kept for the setting
`audit_retention_days`: older ones are deleted whenever an event is written and when the server
starts, except the latest record of the role mapping, which says what is in force."""

from datetime import UTC, datetime, timedelta

import polars as pl
from sqlalchemy import Connection, Engine, delete, func, insert, select

from data.bulk import read_frame
from data.models import AuditEvent
from data.reference import SETTINGS, read_settings

ACTIONS = ("view", "download", "edit")
COLUMNS = ("event_id", "at", "who", "action", "page", "detail")
RETENTION = "audit_retention_days"
ROLE_MAPPING = "role mapping"  # the page of the events that record the role mapping
TABLE = AuditEvent.__table__


def record_event(engine: Engine, who: str, action: str, page: str, detail: str,
                 now: datetime | None = None) -> None:
    """Append one event, and delete the events older than the retention (as of `now`). Raises
    ValueError for an action not in ACTIONS or an empty `who`."""
    if action not in ACTIONS:
        raise ValueError(f"action: {action!r} is not one of {', '.join(ACTIONS)}")
    if not who.strip():
        raise ValueError("who: the person (or visitor) is required")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    with engine.begin() as conn:
        conn.execute(insert(TABLE).values(at=now, who=who.strip()[:200], action=action,
                                          page=page[:100], detail=detail))
        _forget(conn, now)


def forget_old_events(engine: Engine, now: datetime | None = None) -> int:
    """Delete the events older than the retention (the server does at start); how many."""
    with engine.begin() as conn:
        return _forget(conn, (now or datetime.now(UTC)).astimezone(UTC))


def retention_days(settings: dict[str, str]) -> int | None:
    """The setting `audit_retention_days` (its default when empty); None when it is not a whole
    number of days from 1, and then nothing is deleted: a mistyped setting never empties the
    trail."""
    value = (settings.get(RETENTION) or SETTINGS[RETENTION]).strip()
    return int(value) if value.isascii() and value.isdigit() and int(value) >= 1 else None


def _forget(conn: Connection, now: datetime) -> int:
    days = retention_days(read_settings(conn))
    if days is None:
        return 0
    c = TABLE.c
    in_force = (select(func.max(c.event_id)).where(c.page == ROLE_MAPPING)
                .scalar_subquery())
    gone = conn.execute(delete(TABLE).where(c.at < now - timedelta(days=days),
                                            c.event_id.is_distinct_from(in_force)))
    return gone.rowcount


def read_events(engine: Engine, limit: int = 5000) -> pl.DataFrame:
    """The latest `limit` events, newest first."""
    c = TABLE.c
    with engine.connect() as conn:
        return read_frame(conn, select(*(c[n] for n in COLUMNS))
                          .order_by(c.event_id.desc()).limit(limit))


def latest_detail(engine: Engine, page: str) -> str | None:
    """The detail of the latest event recorded for `page` (None if none)."""
    c = TABLE.c
    with engine.connect() as conn:
        return conn.execute(select(c.detail).where(c.page == page)
                            .order_by(c.event_id.desc()).limit(1)).scalar()
