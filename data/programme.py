"""Reading the programme (`fct_milestones`, `fct_benefits`, `fct_risks`), the KPIs' owners and
the officers' commentary, for the exception report, the Programme page and the papers."""

import polars as pl
from sqlalchemy import Connection, select

from data.bulk import read_frame
from data.facts import read_table
from data.models import Benefit, Commentary, KpiOwner, Milestone, Risk

MILESTONE_COLUMNS = ("source_system", "milestone_id", "workstream", "title", "owner",
                     "baseline_due_on", "forecast_due_on", "completed_on", "status", "rag_reason",
                     "edited_by", "edited_at")
BENEFIT_COLUMNS = ("source_system", "benefit_id", "month", "title", "kind", "better", "unit",
                   "owner", "kpi", "planned", "actual", "edited_by", "edited_at")
RISK_COLUMNS = ("source_system", "risk_id", "title", "owner", "cause", "effect", "likelihood",
                "impact", "residual_likelihood", "residual_impact", "mitigation", "review_on",
                "status", "edited_by", "edited_at")
COMMENTARY_COLUMNS = ("commentary_id", "kind", "item_id", "period", "text", "written_by",
                      "written_at", "status", "approved_by", "approved_at")


def read_milestones(conn: Connection) -> pl.DataFrame:
    return read_table(conn, Milestone.__table__, MILESTONE_COLUMNS).sort(
        "baseline_due_on", "milestone_id")


def read_benefits(conn: Connection) -> pl.DataFrame:
    return read_table(conn, Benefit.__table__, BENEFIT_COLUMNS).sort("benefit_id", "month")


def read_risks(conn: Connection) -> pl.DataFrame:
    return read_table(conn, Risk.__table__, RISK_COLUMNS).sort("risk_id")


def kpi_owners(conn: Connection) -> dict[str, str]:
    """kpi -> its owner, for the KPIs that have one."""
    table = KpiOwner.__table__
    return dict(conn.execute(select(table.c.kpi, table.c.owner)).tuples().all())


def commentary(conn: Connection, period: str | None = None) -> pl.DataFrame:
    """Every version of every commentary (of one period, if given), oldest first."""
    c = Commentary.__table__.c
    query = select(*(c[n] for n in COMMENTARY_COLUMNS)).order_by(c.commentary_id)
    if period is not None:
        query = query.where(c.period == period)
    return read_frame(conn, query)
