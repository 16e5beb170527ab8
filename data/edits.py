"""Staff edits of reference data: the one module of `data` that pages may import.

The per-channel unit costs and carbon factors an analyst edits (with an optional uplift of a
unit cost to a later year's prices), the audit of every edit, the change points where SPC
may start a new period, the KPIs' owners, the officers' commentary (written by an owner,
approved by someone else), and the programme's milestones, benefits and risks.

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
from sqlalchemy import Engine, delete, insert, select, update

from data.bulk import read_frame
from data.models import (
    AssumptionChange,
    Benefit,
    ChannelAssumption,
    Commentary,
    ComplaintAction,
    KpiOwner,
    Milestone,
    ProgrammeChange,
    Risk,
    SpcChangePoint,
)
from data.programme import SCORES, record_risk_scores
from data.reference import channel_assumptions
from data.versions import moved
from data.vocabulary import MILESTONE_STATUSES

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


# ---- KPI owners and officers' commentary (docs/programme.md) ----------------------------------

_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2]|H[12])")
COMMENTARY_KINDS = ("kpi", "milestone", "benefit", "risk")
MAX_COMMENTARY = 2000


def set_kpi_owner(engine: Engine, kpi: str, owner: str, *, by: str,
                  now: datetime | None = None) -> None:
    """Record `owner` (as they sign in, e.g. their e-mail) as the owner of `kpi`, with who set
    it and when. Raises ValueError for an empty KPI id, owner or `by`."""
    now = _aware(now)
    who, owner, kpi = _who(by), (owner or "").strip(), (kpi or "").strip()
    if not kpi:
        raise ValueError("kpi: a KPI id is required")
    if not owner:
        raise ValueError("owner: who owns the KPI is required")
    table = KpiOwner.__table__
    with engine.begin() as conn:
        conn.execute(delete(table).where(table.c.kpi == kpi))
        conn.execute(insert(table).values(kpi=kpi, owner=owner[:100], updated_by=who,
                                          updated_at=now))


def write_commentary(engine: Engine, kind: str, item_id: str, period: str, text: str, *,
                     by: str, now: datetime | None = None) -> int:
    """A new draft of the commentary on an item (a KPI, milestone, benefit or risk) for a period
    (`YYYY-MM` or `YYYY-H1`/`YYYY-H2`); returns its id. A KPI's commentary is written by its
    owner alone (`ref_kpi_owners`). Raises ValueError, naming the field, otherwise."""
    now = _aware(now)
    who = _who(by)
    if kind not in COMMENTARY_KINDS:
        raise ValueError(f"kind: must be one of {', '.join(COMMENTARY_KINDS)}, got {kind!r}")
    if not (item_id or "").strip():
        raise ValueError("item_id: the item commented on is required")
    if not _PERIOD.fullmatch(period or ""):
        raise ValueError(f"period: a month YYYY-MM or a half YYYY-H1 / YYYY-H2, got {period!r}")
    words = (text or "").strip()
    if not words:
        raise ValueError("text: say what happened, why, and what is being done")
    if len(words) > MAX_COMMENTARY:
        raise ValueError(f"text: at most {MAX_COMMENTARY:,} characters, got {len(words):,}")
    table = Commentary.__table__
    with engine.begin() as conn:
        if kind == "kpi":
            owners = KpiOwner.__table__
            owner = conn.execute(select(owners.c.owner)
                                 .where(owners.c.kpi == item_id)).scalar_one_or_none()
            if owner is None:
                raise ValueError(f"by: {item_id} has no owner recorded; its owner writes its "
                                 f"commentary")
            if owner != who:
                raise ValueError(f"by: only the owner of {item_id} ({owner}) writes its "
                                 f"commentary")
        return conn.execute(insert(table).values(
            kind=kind, item_id=item_id.strip(), period=period, text=words, written_by=who,
            written_at=now, status="draft").returning(table.c.commentary_id)).scalar_one()


def approve_commentary(engine: Engine, commentary_id: int, *, by: str,
                       now: datetime | None = None) -> None:
    """Approve a draft, recording who and when: a second person, never its author. Raises
    ValueError for an unknown or already approved id, approval by the author, or an empty
    `by`."""
    now = _aware(now)
    who = _who(by)
    table = Commentary.__table__
    with engine.begin() as conn:
        row = conn.execute(select(table.c.written_by, table.c.status)
                           .where(table.c.commentary_id == commentary_id)).first()
        if row is None or row.status != "draft":
            raise ValueError(f"commentary_id: no draft {commentary_id} to approve")
        if row.written_by == who:
            raise ValueError("by: the author cannot approve their own commentary; a second "
                             "person approves it")
        conn.execute(update(table).where(table.c.commentary_id == commentary_id)
                     .values(status="approved", approved_by=who, approved_at=now))


def _aware(now: datetime | None) -> datetime:
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now: must be timezone-aware")
    return now.astimezone(UTC)


def _who(by: str) -> str:
    who = (by or "").strip()
    if not who:
        raise ValueError("by: who made the change is required")
    return who[:100]


# ---- the programme, edited by staff (docs/programme.md) ---------------------------------------

# feed -> (table, its key column, field -> (kind, length or allowed values)) of what staff edit
PROGRAMME_EDITS = {
    "milestones": (Milestone, "milestone_id", {
        "owner": ("text", 100), "forecast_due_on": ("date", None),
        "completed_on": ("date", None), "status": ("enum", MILESTONE_STATUSES),
        "rag_reason": ("text", 500)}),
    "benefits": (Benefit, "benefit_key", {"owner": ("text", 100), "actual": ("number", None)}),
    "risks": (Risk, "risk_id", {
        "owner": ("text", 100), "likelihood": ("score", None), "impact": ("score", None),
        "residual_likelihood": ("score", None), "residual_impact": ("score", None),
        "mitigation": ("text", 1000), "review_on": ("date", None),
        "status": ("enum", ("open", "closed"))}),
}
REQUIRED = {"likelihood", "impact", "status"}


def benefit_key(benefit_id: str, month: str) -> str:
    """The stored key of a benefit's month (`fct_benefits.benefit_key`)."""
    return f"{benefit_id}|{month}"


def edit_programme_item(engine: Engine, feed: str, key: str, *, by: str,
                        source_system: str = "canonical", now: datetime | None = None,
                        **values) -> list[str]:
    """Set fields of a stored milestone, benefit (key: `benefit_key`) or risk, recording each
    changed field's old and new value with who and when, and the row's latest editor; return
    the fields that changed. A change of a risk's scores is also recorded in its score history
    (`data.programme.record_risk_scores`, under the editor), in the same transaction. A later
    file that rewrites the row wins over the edit, as the edit won over the file before it.
    None clears an optional field.

    Raises ValueError, naming the field, for a field staff may not edit, a value of the wrong
    kind (a date, a whole number 1 to 5, one of the codes, text too long), a `complete`
    milestone without its completion date, an actual typed for a benefit that names a KPI, an
    unknown item, or an empty `by`.
    """
    now = _aware(now)
    who = _who(by)
    if feed not in PROGRAMME_EDITS:
        raise ValueError(f"feed: one of {', '.join(PROGRAMME_EDITS)}, got {feed!r}")
    model, key_column, fields = PROGRAMME_EDITS[feed]
    new = {name: _programme_value(name, value, fields) for name, value in values.items()}
    table = model.__table__
    where = (table.c.source_system == source_system) & (table.c[key_column] == key)
    with engine.begin() as conn:
        row = conn.execute(select(table).where(where)).mappings().first()
        if row is None:
            raise ValueError(f"{key_column}: no {feed[:-1]} {key!r} in {source_system}")
        after = {**row, **new}
        if feed == "milestones" and after["status"] == "complete" and not after["completed_on"]:
            raise ValueError("completed_on: a complete milestone needs its completion date")
        if feed == "benefits" and row["kpi"] and new.get("actual") is not None:
            raise ValueError(f"actual: comes from the measure {row['kpi']}, never typed in")
        changed = {f: v for f, v in new.items() if row[f] != v}
        if not changed:
            return []
        conn.execute(update(table).where(where).values(**changed, edited_by=who, edited_at=now))
        conn.execute(insert(ProgrammeChange.__table__), [
            {"feed": feed, "source_system": source_system, "item_key": key, "field": f,
             "old_value": _audit(row[f]), "new_value": _audit(v), "changed_by": who,
             "changed_at": now} for f, v in changed.items()])
        if feed == "risks" and set(changed) & set(SCORES):
            scores = {f: [after[f]] for f in ("source_system", "risk_id", *SCORES)}
            record_risk_scores(conn, pl.DataFrame(scores, schema={
                "source_system": pl.String, "risk_id": pl.String,
                **{f: pl.Int64 for f in SCORES}}), who, now)
        moved(conn, feed)
    return list(changed)


def _programme_value(name: str, value, fields: dict):
    if name not in fields:
        raise ValueError(f"{name}: not a field staff edit here ({', '.join(fields)})")
    kind, rule = fields[name]
    if value is None or (isinstance(value, str) and not value.strip()):
        if name in REQUIRED:
            raise ValueError(f"{name}: a value is required")
        return None
    if kind == "date":
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ValueError(f"{name}: must be a date, got {value!r}")
        return value
    if kind == "score":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValueError(f"{name}: must be a whole number from 1 to 5, got {value!r}")
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(
                value):
            raise ValueError(f"{name}: must be a number, got {value!r}")
        return float(value)
    text = str(value).strip()
    if kind == "enum":
        code = re.sub(r"[\s\-]+", "_", text.lower())
        if code not in rule:
            raise ValueError(f"{name}: not one of {', '.join(rule)}")
        return code
    if len(text) > rule:
        raise ValueError(f"{name}: longer than {rule} characters")
    return text


PROGRAMME_CHANGE_COLUMNS = ("change_id", "changed_at", "changed_by", "feed", "item_key", "field",
                            "old_value", "new_value")


def read_programme_changes(engine: Engine, limit: int = 500) -> pl.DataFrame:
    """The latest edits of the programme, newest first."""
    c = ProgrammeChange.__table__.c
    with engine.connect() as conn:
        return read_frame(conn, select(*(c[n] for n in PROGRAMME_CHANGE_COLUMNS))
                          .order_by(c.change_id.desc()).limit(limit))


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
