"""Staff edits of reference data: the one module of `data` that pages may import.

The per-channel unit costs and carbon factors an analyst edits (with an optional uplift of a
unit cost to a later year's prices), the audit of every edit, and the change points where SPC
may start a new period.

`update_assumption` checks each new value, writes it with who changed it and when, and appends
one `ref_assumption_changes` row per changed field (old and new value), all in one transaction:
an edit is either recorded in full or not at all. Change points are recorded and removed with
who and when; a removed one is kept, marked removed. Actions taken against complaint themes
are recorded with who recorded them and when.
"""

import math
import re
from datetime import UTC, date, datetime

import polars as pl
from sqlalchemy import Engine, insert, select, update

from data.bulk import read_frame
from data.models import AssumptionChange, ChannelAssumption, ComplaintAction, SpcChangePoint
from data.reference import channel_assumptions

FIRST_YEAR = 1990
NUMBERS = ("unit_cost_gbp", "carbon_kg")
SOURCES = ("cost_source", "carbon_source", "uplift_source")
UPLIFT = ("uplift_factor", "uplift_source", "uplift_year")
FIELDS = ("unit_cost_gbp", "cost_source", "cost_year", "carbon_kg", "carbon_source", "carbon_year",
          *UPLIFT)
NONE = "(none)"  # how a cleared value reads in the change history
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
                      carbon_year: int | None = None, uplift_factor: float | None = None,
                      uplift_source: str | None = None, uplift_year: int | None = None,
                      clear_uplift: bool = False, now: datetime | None = None) -> list[str]:
    """Set the given fields of `channel`'s assumptions (None: leave as is; `clear_uplift`:
    empty the three uplift fields, so no uplift); return the names of the fields that changed.

    Raises ValueError, naming the field, for a negative or non-finite number, an uplift factor
    that is not above 0, an empty source, a year outside 1990..next year, an uplift without all
    of its factor, source and year or to a year before the unit cost's, an unknown channel or
    an empty `by`. Values equal to the stored ones are not recorded as changes; with no change
    nothing is written.
    """
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now: must be timezone-aware")
    given = {"unit_cost_gbp": unit_cost_gbp, "cost_source": cost_source, "cost_year": cost_year,
             "carbon_kg": carbon_kg, "carbon_source": carbon_source, "carbon_year": carbon_year,
             "uplift_factor": uplift_factor, "uplift_source": uplift_source,
             "uplift_year": uplift_year}
    if clear_uplift and any(given[f] is not None for f in UPLIFT):
        raise ValueError("uplift_factor: give an uplift or clear it, not both")
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
        if clear_uplift:
            new.update(dict.fromkeys(UPLIFT))
        _check_uplift({**row, **new})
        changed = {f: v for f, v in new.items() if row[f] != v}
        if not changed:
            return []
        conn.execute(update(table).where(table.c.channel == channel)
                     .values(**changed, updated_by=who[:100], updated_at=now.astimezone(UTC)))
        conn.execute(insert(AssumptionChange.__table__), [
            {"channel": channel, "field": f, "old_value": _audit(row[f]), "new_value": _audit(v),
             "changed_by": who[:100], "changed_at": now.astimezone(UTC)}
            for f, v in changed.items()])
    return list(changed)


def _audit(value) -> str:
    return NONE if value is None else str(value)


def _check_uplift(row: dict) -> None:
    """An uplift needs its factor, source and year, to a year no earlier than the unit cost's."""
    given = [f for f in UPLIFT if row[f] is not None]
    if given and len(given) < len(UPLIFT):
        missing = next(f for f in UPLIFT if row[f] is None)
        raise ValueError(f"{missing}: an uplift needs its factor, its source (the index) and "
                         f"the year of the prices it gives")
    if given and row["uplift_year"] < row["cost_year"]:
        raise ValueError(f"uplift_year: must not be before the unit cost's year "
                         f"{row['cost_year']}, got {row['uplift_year']}")


def _checked(name: str, value, this_year: int):
    if name in NUMBERS or name == "uplift_factor":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{name}: must be a number, got {value!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name}: must be a non-negative number, got {value!r}")
        if name == "uplift_factor" and value == 0:
            raise ValueError(f"{name}: must be above 0 (1 leaves the unit cost as it is)")
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


# ---- SPC change points ------------------------------------------------------------------------

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
CHANGE_POINT_COLUMNS = ("change_point_id", "month", "kpi", "reason", "recorded_by",
                        "recorded_at")


def read_change_points(engine: Engine) -> pl.DataFrame:
    """The change points in force (not removed), by month: change_point_id, month, kpi (empty:
    every KPI), reason, recorded_by, recorded_at."""
    c = SpcChangePoint.__table__.c
    with engine.connect() as conn:
        return read_frame(conn, select(*(c[n] for n in CHANGE_POINT_COLUMNS))
                          .where(c.removed_at.is_(None)).order_by(c.month, c.change_point_id))


def record_change_point(engine: Engine, month: str, reason: str, *, by: str,
                        kpi: str | None = None, now: datetime | None = None) -> int:
    """Record that something changed in `month` ("YYYY-MM"), for the KPI `kpi` (None: every
    KPI), for `reason`; return its id.

    Raises ValueError, naming the field, for a month that is not YYYY-MM from 1990 to next
    year, an empty reason, an empty KPI id or an empty `by`.
    """
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now: must be timezone-aware")
    found = _MONTH.fullmatch(month or "")
    if not found or not FIRST_YEAR <= int(found.group(1)) <= now.year + 1:
        raise ValueError(f"month: must be a month YYYY-MM from {FIRST_YEAR} to {now.year + 1}, "
                         f"got {month!r}")
    if not (reason or "").strip():
        raise ValueError("reason: say what changed (a change point needs its reason)")
    if kpi is not None and not kpi.strip():
        raise ValueError("kpi: a KPI id, or none for every KPI")
    who = (by or "").strip()
    if not who:
        raise ValueError("by: who made the change is required")
    table = SpcChangePoint.__table__
    with engine.begin() as conn:
        return conn.execute(insert(table).values(
            month=month, kpi=kpi, reason=reason.strip(), recorded_by=who[:100],
            recorded_at=now.astimezone(UTC)).returning(table.c.change_point_id)).scalar_one()


def remove_change_point(engine: Engine, change_point_id: int, *, by: str,
                        now: datetime | None = None) -> None:
    """Mark a change point removed, with who and when (it is kept for the record). Raises
    ValueError for an unknown or already removed id, or an empty `by`."""
    now = now or datetime.now(UTC)
    who = (by or "").strip()
    if not who:
        raise ValueError("by: who made the change is required")
    table = SpcChangePoint.__table__
    with engine.begin() as conn:
        done = conn.execute(update(table).where(
            (table.c.change_point_id == change_point_id) & table.c.removed_at.is_(None))
            .values(removed_by=who[:100], removed_at=now.astimezone(UTC)))
        if done.rowcount != 1:
            raise ValueError(f"change_point_id: no change point {change_point_id} in force")


# ---- Actions against complaint themes ---------------------------------------------------------

ACTION_FIELDS = ("complaint_theme", "service", "changed_on", "what_changed", "changed_by", "kpi")
ACTION_COLUMNS = ("action_id", *ACTION_FIELDS, "recorded_by", "recorded_at")


def read_actions(engine: Engine) -> pl.DataFrame:
    """Every action recorded against a complaint theme, by date: action_id, complaint_theme,
    service, changed_on, what_changed, changed_by, kpi, recorded_by, recorded_at."""
    c = ComplaintAction.__table__.c
    with engine.connect() as conn:
        return read_frame(conn, select(*(c[n] for n in ACTION_COLUMNS))
                          .order_by(c.changed_on, c.action_id))


def record_actions(engine: Engine, actions: list[dict], *, by: str,
                   now: datetime | None = None) -> list[int]:
    """Record `actions` (each a dict of `ACTION_FIELDS`, already checked against the themes and
    KPIs by `metrics.actions.checked_actions`) in one transaction; return their ids.

    Raises ValueError, naming the field, for a missing field, a `changed_on` that is not a
    date, or an empty `by`: nothing is then written.
    """
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now: must be timezone-aware")
    who = (by or "").strip()
    if not who:
        raise ValueError("by: who made the change is required")
    for action in actions:
        for name in ACTION_FIELDS:
            if name == "changed_on":
                if not isinstance(action.get(name), date):
                    raise ValueError(f"changed_on: must be a date, got {action.get(name)!r}")
            elif not str(action.get(name) or "").strip():
                raise ValueError(f"{name}: is required")
    table = ComplaintAction.__table__
    with engine.begin() as conn:
        return [conn.execute(insert(table).values(
            **{n: a[n] if n == "changed_on" else str(a[n]).strip() for n in ACTION_FIELDS},
            recorded_by=who[:100], recorded_at=now.astimezone(UTC))
            .returning(table.c.action_id)).scalar_one() for a in actions]
