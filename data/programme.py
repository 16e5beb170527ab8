"""Reading the programme (`fct_milestones`, `fct_benefits`, `fct_risks`, and each risk's
recorded scores in `fct_risk_scores`), the KPIs' owners and the officers' commentary, for the
exception report, the Programme page and the papers; and recording a risk's scores whenever a
load or an edit changes them."""

from datetime import datetime

import polars as pl
from sqlalchemy import Connection, select

from data.bulk import insert_frame, read_frame
from data.facts import read_table
from data.models import Benefit, Commentary, KpiOwner, Milestone, Risk, RiskScore

MILESTONE_COLUMNS = ("source_system", "milestone_id", "workstream", "title", "owner",
                     "baseline_due_on", "forecast_due_on", "completed_on", "status", "rag_reason",
                     "edited_by", "edited_at")
BENEFIT_COLUMNS = ("source_system", "benefit_id", "month", "title", "kind", "better", "unit",
                   "owner", "kpi", "planned", "actual", "edited_by", "edited_at")
RISK_COLUMNS = ("source_system", "risk_id", "title", "owner", "cause", "effect", "likelihood",
                "impact", "residual_likelihood", "residual_impact", "mitigation", "review_on",
                "status", "edited_by", "edited_at")
SCORES = ("likelihood", "impact", "residual_likelihood", "residual_impact")
RISK_SCORE_COLUMNS = ("score_id", "source_system", "risk_id", "recorded_at", *SCORES,
                      "recorded_by", "load_id")
COMMENTARY_COLUMNS = ("commentary_id", "kind", "item_id", "period", "text", "written_by",
                      "written_at", "status", "approved_by", "approved_at")


def read_milestones(conn: Connection) -> pl.DataFrame:
    return read_table(conn, Milestone.__table__, MILESTONE_COLUMNS).sort(
        "baseline_due_on", "milestone_id")


def read_benefits(conn: Connection) -> pl.DataFrame:
    return read_table(conn, Benefit.__table__, BENEFIT_COLUMNS).sort("benefit_id", "month")


def read_risks(conn: Connection) -> pl.DataFrame:
    return read_table(conn, Risk.__table__, RISK_COLUMNS).sort("risk_id")


def read_risk_scores(conn: Connection) -> pl.DataFrame:
    """Every recording of every risk's scores, in the order they were written."""
    return read_table(conn, RiskScore.__table__, RISK_SCORE_COLUMNS).sort("score_id")


def record_risk_scores(conn: Connection, risks: pl.DataFrame, recorded_by: str,
                       recorded_at: datetime, load_id: int | None = None) -> int:
    """Append a recording of each risk's scores (`risks`: source_system, risk_id and the four
    scores) whose scores differ from its latest recording, or that has none; return how many
    were recorded. Runs on the caller's connection, inside the transaction of the load or edit
    that wrote the scores, so that the history and the register never disagree."""
    if risks.height == 0:
        return 0
    table = RiskScore.__table__
    c = table.c
    latest = read_frame(conn, select(*(c[n] for n in RISK_SCORE_COLUMNS)).where(
        c.source_system.in_(risks.get_column("source_system").unique().to_list()),
        c.risk_id.in_(risks.get_column("risk_id").unique().to_list())))
    key = ["source_system", "risk_id"]
    latest = latest.sort("score_id").group_by(key, maintain_order=True).last()
    joined = risks.select(*key, *SCORES).join(latest.select(*key, *SCORES), on=key, how="left",
                                              suffix="__old", nulls_equal=False)
    found = latest.select(*key).with_columns(pl.lit(True).alias("_found"))
    joined = joined.join(found, on=key, how="left")
    same = pl.col("_found").fill_null(False) & pl.all_horizontal(
        pl.col(s).eq_missing(pl.col(f"{s}__old")) for s in SCORES)
    new = joined.filter(~same).select(*key, *SCORES).with_columns(
        pl.lit(recorded_at).alias("recorded_at"), pl.lit(recorded_by[:200]).alias("recorded_by"),
        pl.lit(load_id, pl.Int64).alias("load_id"))
    insert_frame(conn, table, new)
    return new.height


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
