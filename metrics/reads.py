"""Reading the warehouse into `Sources`: the contact mart, complaint and survey facts, and the
reference data. One short read per table, whatever the warehouse size."""

from datetime import datetime

import polars as pl
from sqlalchemy import Engine, func, select

from data.bulk import read_frame, schema_of
from data.edits import read_change_points
from data.models import (
    ChannelAssumption,
    Complaint,
    ContactsMonthly,
    KpiTarget,
    LoadLog,
    QuarantineRow,
    SurveyResponse,
)
from data.reference import read_settings
from data.warehouse import get_engine
from metrics.compute import Sources, baseline_period, with_response_month
from metrics.spc import ChangePoint
from transform.marts import data_horizon


def sources_from_warehouse(engine: Engine) -> Sources:
    with engine.connect() as conn:
        parts = _table(conn, ContactsMonthly.__table__)
        complaints = _table(conn, Complaint.__table__)
        responses = _table(conn, SurveyResponse.__table__, exclude=("comment",))
        assumptions = _table(conn, ChannelAssumption.__table__,
                             columns=["channel", "unit_cost_gbp", "carbon_kg"])
        as_of = data_horizon(conn)
    changes = tuple(ChangePoint(r["month"], r["reason"], r["kpi"])
                    for r in read_change_points(engine).iter_rows(named=True))
    return Sources(parts=parts, complaints=complaints,
                   responses=with_response_month(responses), assumptions=assumptions,
                   as_of=as_of, baseline=baseline_period(parts, read_settings(engine)),
                   change_points=changes)


def _table(conn, table, columns: list[str] | None = None, exclude=()) -> pl.DataFrame:
    names = [c for c in (columns or [c.name for c in table.columns]) if c not in exclude]
    schema = schema_of(table, names)
    sql = f'SELECT {", ".join(names)} FROM "{table.name}"'
    return read_frame(conn, sql, schema)


def read_targets(engine: Engine) -> dict[str, tuple[float, float]]:
    """kpi -> (target, amber tolerance), as an analyst last set them."""
    with engine.connect() as conn:
        rows = conn.execute(select(KpiTarget.kpi, KpiTarget.target, KpiTarget.amber_tolerance))
        return {kpi: (target, tolerance) for kpi, target, tolerance in rows}


def warehouse_version(engine: Engine) -> int:
    """The latest load's id: cached figures are stale once it changes."""
    with engine.connect() as conn:
        return conn.execute(select(func.coalesce(func.max(LoadLog.load_id), 0))).scalar_one()


def load_history(engine: Engine, limit: int = 500) -> pl.DataFrame:
    """The most recent loads, newest first."""
    columns = ["load_id", "feed", "source_system", "file_name", "status", "rows_read",
               "rows_inserted", "rows_updated", "rows_unchanged", "rows_quarantined",
               "started_at", "finished_at", "errors"]
    with engine.connect() as conn:
        return _table(conn, LoadLog.__table__, columns).sort("load_id", descending=True).head(limit)


def quarantine(engine: Engine, limit: int = 1000) -> pl.DataFrame:
    """Quarantined rows with the rules they broke, newest first."""
    columns = ["load_id", "feed", "source_system", "file_name", "row_number", "record_id",
               "reasons", "raw_text"]
    with engine.connect() as conn:
        return _table(conn, QuarantineRow.__table__, columns).sort(
            "load_id", "row_number", descending=[True, False]).head(limit)


def open_warehouse() -> Engine:
    """The warehouse that `WAREHOUSE_URL` names (the embedded SQLite file by default)."""
    return get_engine()


def channel_assumptions(engine: Engine) -> pl.DataFrame:
    """Each channel's unit cost and carbon factor with their sources and years, and the uplift
    of its unit cost to a later year's prices where one is recorded."""
    columns = ["channel", "unit_cost_gbp", "cost_source", "cost_year", "carbon_kg",
               "carbon_source", "carbon_year", "uplift_factor", "uplift_source", "uplift_year"]
    with engine.connect() as conn:
        return _table(conn, ChannelAssumption.__table__, columns)


def latest_load_at(engine: Engine) -> datetime | None:
    """When the latest file offered to ingest finished."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(LoadLog.finished_at))).scalar_one()
