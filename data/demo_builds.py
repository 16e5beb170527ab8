"""The record of each demo build (`demo_builds`): begun, finished, what the latest says, and
whether the warehouse holds the demo council and nothing else (the demo switch's question)."""

from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import Connection, func, insert, or_, select, update

from data.models import DemoBuild, LoadLog, SourceRun

DemoState = Literal["complete", "partial", "none"]


def begin_build(conn: Connection, seed: int, months: int) -> int:
    """Record a build begun (committed by the caller before any file loads); its build_id."""
    begun = insert(DemoBuild).values(seed=seed, months=months, started_at=datetime.now(UTC))
    return conn.execute(begun.returning(DemoBuild.build_id)).scalar_one()


def finish_build(conn: Connection, build_id: int) -> None:
    conn.execute(update(DemoBuild).where(DemoBuild.build_id == build_id)
                 .values(finished_at=datetime.now(UTC)))


def demo_state(conn: Connection) -> DemoState:
    """`complete` when the latest build finished, `partial` when it was stopped part-way, and
    `none` when no demo was ever begun here."""
    d = DemoBuild.__table__.c
    latest = conn.execute(select(d.finished_at).order_by(d.build_id.desc()).limit(1)).first()
    if latest is None:
        return "none"
    return "partial" if latest.finished_at is None else "complete"


def holds_demo_only(conn: Connection) -> bool:
    """True when the latest demo build finished, every load ran between the first build's start
    and the latest build's end, and no source of `pipelines run` ever ran: a council's own file
    loaded before or after the demo, or any source run, makes the warehouse not the demo's."""
    if demo_state(conn) != "complete":
        return False
    if conn.execute(select(func.count()).select_from(SourceRun)).scalar_one():
        return False
    d, log = DemoBuild.__table__.c, LoadLog.__table__.c
    # Compared in the database: both columns are stored alike, and an aggregate read back
    # would lose the column's type (a bare string on SQLite).
    first_start = select(func.min(d.started_at)).scalar_subquery()
    last_end = select(func.max(d.finished_at)).scalar_subquery()
    outside = select(func.count()).where(or_(log.started_at < first_start,
                                             log.started_at > last_end))
    return conn.execute(outside).scalar_one() == 0
