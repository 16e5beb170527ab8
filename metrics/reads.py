"""Reading the warehouse into `Sources`: the contact mart, complaint and survey facts, and the
reference data. One short read per table, whatever the warehouse size."""

import polars as pl
from sqlalchemy import Engine

from data.bulk import read_frame, schema_of
from data.models import ChannelAssumption, Complaint, ContactsMonthly, SurveyResponse
from data.reference import read_settings
from metrics.compute import Sources, baseline_period, with_response_month
from metrics.marts import data_horizon


def sources_from_warehouse(engine: Engine) -> Sources:
    with engine.connect() as conn:
        parts = _table(conn, ContactsMonthly.__table__)
        complaints = _table(conn, Complaint.__table__)
        responses = _table(conn, SurveyResponse.__table__, exclude=("comment",))
        assumptions = _table(conn, ChannelAssumption.__table__,
                             columns=["channel", "unit_cost_gbp", "carbon_kg"])
        as_of = data_horizon(conn)
    return Sources(parts=parts, complaints=complaints,
                   responses=with_response_month(responses), assumptions=assumptions,
                   as_of=as_of, baseline=baseline_period(parts, read_settings(engine)))


def _table(conn, table, columns: list[str] | None = None, exclude=()) -> pl.DataFrame:
    names = [c for c in (columns or [c.name for c in table.columns]) if c not in exclude]
    schema = schema_of(table, names)
    sql = f'SELECT {", ".join(names)} FROM "{table.name}"'
    return read_frame(conn, sql, schema)
