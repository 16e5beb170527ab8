"""The record of each demo build (`demo_builds`): begun, finished, and what the latest says."""

from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import Connection, insert, select, update

from data.models import DemoBuild

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
