"""Staff edits of reference data: the one module of `data` that pages may import.

The per-channel unit costs and carbon factors an analyst edits, and the audit of every edit.

`update_assumption` checks each new value, writes it with who changed it and when, and appends
one `ref_assumption_changes` row per changed field (old and new value), all in one transaction:
an edit is either recorded in full or not at all.
"""

import math
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Engine, insert, select, update

from data.bulk import read_frame
from data.models import AssumptionChange, ChannelAssumption
from data.reference import channel_assumptions

FIRST_YEAR = 1990
NUMBERS = ("unit_cost_gbp", "carbon_kg")
SOURCES = ("cost_source", "carbon_source")
FIELDS = ("unit_cost_gbp", "cost_source", "cost_year", "carbon_kg", "carbon_source", "carbon_year")
CHANGE_COLUMNS = ("change_id", "changed_at", "changed_by", "channel", "field", "old_value",
                  "new_value")


def read_assumptions(engine: Engine) -> pl.DataFrame:
    """Every channel's assumptions with their sources, years and last editor, by channel."""
    with engine.connect() as conn:
        return channel_assumptions(conn, ("channel", *FIELDS, "updated_by", "updated_at"))


def read_changes(engine: Engine, limit: int = 500) -> pl.DataFrame:
    """The latest edits, newest first."""
    c = AssumptionChange.__table__.c
    with engine.connect() as conn:
        return read_frame(conn, select(*(c[n] for n in CHANGE_COLUMNS))
                          .order_by(c.change_id.desc()).limit(limit))


def update_assumption(engine: Engine, channel: str, *, by: str, unit_cost_gbp: float | None = None,
                      cost_source: str | None = None, cost_year: int | None = None,
                      carbon_kg: float | None = None, carbon_source: str | None = None,
                      carbon_year: int | None = None, now: datetime | None = None) -> list[str]:
    """Set the given fields of `channel`'s assumptions (None: leave as is); return the names of
    the fields that changed.

    Raises ValueError, naming the field, for a negative or non-finite number, an empty source, a
    year outside 1990..next year, an unknown channel or an empty `by`. Values equal to the
    stored ones are not recorded as changes; with no change nothing is written.
    """
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now: must be timezone-aware")
    given = {"unit_cost_gbp": unit_cost_gbp, "cost_source": cost_source, "cost_year": cost_year,
             "carbon_kg": carbon_kg, "carbon_source": carbon_source, "carbon_year": carbon_year}
    new = {name: _checked(name, value, now.year) for name, value in given.items()
           if value is not None}
    who = (by or "").strip()
    if not who:
        raise ValueError("by: who made the change is required")
    table = ChannelAssumption.__table__
    with engine.begin() as conn:
        row = conn.execute(select(*(table.c[f] for f in FIELDS))
                           .where(table.c.channel == channel)).mappings().first()
        if row is None:
            raise ValueError(f"channel: no assumptions for channel {channel!r}")
        changed = {f: v for f, v in new.items() if row[f] != v}
        if not changed:
            return []
        conn.execute(update(table).where(table.c.channel == channel)
                     .values(**changed, updated_by=who[:100], updated_at=now.astimezone(UTC)))
        conn.execute(insert(AssumptionChange.__table__), [
            {"channel": channel, "field": f, "old_value": str(row[f]), "new_value": str(v),
             "changed_by": who[:100], "changed_at": now.astimezone(UTC)}
            for f, v in changed.items()])
    return list(changed)


def _checked(name: str, value, this_year: int):
    if name in NUMBERS:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{name}: must be a number, got {value!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name}: must be a non-negative number, got {value!r}")
        return float(value)
    if name in SOURCES:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name}: a source is required (where the figure comes from)")
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: must be a whole year, got {value!r}")
    if not FIRST_YEAR <= value <= this_year + 1:
        raise ValueError(f"{name}: must be from {FIRST_YEAR} to {this_year + 1}, got {value}")
    return value
