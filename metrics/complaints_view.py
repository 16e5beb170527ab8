"""The figures of the complaints and compliments page, over a period of months.

Every KPI comes from the registry through `compute`, by service, and is summed over the period
by `period_totals` (numerators and denominators added up, then divided). Themes and the overdue
count are breakdowns of complaint rows, not KPIs of their own.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime

import polars as pl

from metrics.applicability import applicable
from metrics.compute import Query, Sources, compute, kept_facts
from metrics.kpis.complaints import due_on, overdue_complaints
from metrics.periods import period_totals, wide
from transform.calendar import london_day, month_of_date

COMPLAINT_KPIS = ("complaints_received", "stage1_complaints_received",
                  "stage2_escalations_received", "stage1_on_time_pct", "stage2_on_time_pct",
                  "escalation_pct", "upheld_pct", "complaints_per_1000_contacts",
                  "compliments_received")
# The page's headline figures: new complaints and escalations apart, never complaint rows.
HEADLINE_KPIS = tuple(k for k in COMPLAINT_KPIS if k != "complaints_received")
COUNTS = ("complaints_received", "stage1_complaints_received", "stage2_escalations_received",
          "compliments_received")
NOT_RECORDED = "Not recorded"
# What each rate's denominator counts, for "out of N ..." beside it.
OUT_OF = {"stage1_on_time_pct": "stage 1 replies", "stage2_on_time_pct": "stage 2 replies",
          "escalation_pct": "stage 1 complaints received", "upheld_pct": "decided complaints",
          "complaints_per_1000_contacts": "contacts"}

DUE_DATE_RULES = (
    "A stage 1 complaint is due 10 working days after its clock starts, a stage 2 complaint "
    "20 working days after (the Local Government and Social Care Ombudsman's and the Housing "
    "Ombudsman's complaint handling codes). The clock starts on the day the complaint was "
    "acknowledged, or on the day it was received if no acknowledgement is recorded; that day "
    "itself never counts. Where a later date was agreed with the complainant, that date is the "
    "due date instead. Working days are Monday to Friday, except England and Wales bank "
    "holidays: a complaint received on Friday 20 December 2024 is due at stage 1 on Wednesday "
    "8 January 2025. A reply is on time when it is sent on or before the due date; an open "
    "complaint is overdue once its due date has passed.")


@dataclass(frozen=True)
class ComplaintFigures:
    """The period's figures: `overall` one row, `by_service` one row per service; both with a
    column per KPI of COMPLAINT_KPIS (its value) and `<kpi>_n` (its denominator)."""

    overall: pl.DataFrame
    by_service: pl.DataFrame


def complaint_figures(sources: Sources, query: Query) -> ComplaintFigures | None:
    """The complaint KPIs over the query's months, overall and by service: Σ numerators ÷
    Σ denominators over the months. None when its filters leave the complaint KPIs out (their
    declared dimensions: not by channel)."""
    if not applicable(COMPLAINT_KPIS, query.dimensions):
        return None
    long = compute(sources, replace(query, by=("service",), kpis=COMPLAINT_KPIS))
    return ComplaintFigures(overall=_wide(period_totals(long), ()),
                            by_service=_wide(period_totals(long, ["service"]), ("service",)))


def _wide(totals: pl.DataFrame, by: tuple[str, ...]) -> pl.DataFrame:
    # A count over no rows is 0: a service with contacts but no complaints received none.
    values = wide(totals, by, COMPLAINT_KPIS).with_columns(pl.col(COUNTS).fill_null(0))
    counts = wide(totals, by, COMPLAINT_KPIS, "denominator").rename(
        {k: f"{k}_n" for k in COMPLAINT_KPIS})
    return pl.concat([values, counts.drop(list(by))], how="horizontal")


def service_table(figures: ComplaintFigures) -> pl.DataFrame:
    """The by-service figures as the page's table: labelled columns, rates to one decimal, each
    rate beside the count it is out of; services with the most complaints per 1,000 contacts
    first."""
    rows = figures.by_service
    return rows.sort("complaints_per_1000_contacts", "service", descending=[True, False],
                     nulls_last=True).select(
        pl.col("service").alias("Service"),
        pl.col("complaints_received").cast(pl.Int64).alias("Complaints received"),
        pl.col("complaints_per_1000_contacts_n").cast(pl.Int64).alias("Contacts"),
        pl.col("complaints_per_1000_contacts").round(1).alias("Per 1,000 contacts"),
        pl.col("stage1_on_time_pct").round(1).alias("Stage 1 on time %"),
        pl.col("stage1_on_time_pct_n").cast(pl.Int64).alias("Stage 1 replies"),
        pl.col("stage2_on_time_pct").round(1).alias("Stage 2 on time %"),
        pl.col("stage2_on_time_pct_n").cast(pl.Int64).alias("Stage 2 replies"),
        pl.col("escalation_pct").round(1).alias("Escalated %"),
        pl.col("upheld_pct").round(1).alias("Upheld %"),
        pl.col("upheld_pct_n").cast(pl.Int64).alias("Decided"),
        pl.col("compliments_received").cast(pl.Int64).alias("Compliments"))


def themes_by_month(complaints: pl.DataFrame, query: Query,
                    stage: int | None = None) -> pl.DataFrame:
    """Complaint rows (kind complaint, each stage a row; with `stage`, that stage's only) by
    month of received_on and category, in the query's months and filters: month, category,
    complaints. A missing category reads "Not recorded". Per month the counts of every stage
    add up to complaints_received."""
    month = month_of_date(pl.col("received_on"))
    at_stage = pl.col("stage") == stage if stage is not None else pl.lit(True)
    return (kept_facts(complaints, query.filters)
            .filter((pl.col("kind") == "complaint") & at_stage
                    & month.is_between(pl.lit(query.first_month), pl.lit(query.last_month)))
            .group_by(month.alias("month"),
                      pl.col("category").fill_null(NOT_RECORDED).alias("category"))
            .agg(pl.len().cast(pl.Int64).alias("complaints"))
            .sort("month", "category").collect())


def as_of_date(as_of: datetime | None) -> date | None:
    """The data horizon's Europe/London date (`docs/kpis.md`, the data horizon)."""
    return None if as_of is None else london_day(as_of)


def overdue_by_service(complaints: pl.DataFrame, as_of: datetime | None,
                       filters: dict[str, tuple[str, ...]]) -> pl.DataFrame:
    """Open complaints whose due date is before the as_of date, now (whatever the period), by
    service: service, stage 1, stage 2, overdue, oldest due date; the most overdue first."""
    schema = {"service": pl.String, "stage 1": pl.Int64, "stage 2": pl.Int64,
              "overdue": pl.Int64, "oldest due date": pl.Date}
    day = as_of_date(as_of)
    if day is None:
        return pl.DataFrame(schema=schema)
    overdue = overdue_complaints(kept_facts(complaints, filters), day)
    return (overdue.group_by("service").agg(
        (pl.col("stage") == 1).sum().cast(pl.Int64).alias("stage 1"),
        (pl.col("stage") == 2).sum().cast(pl.Int64).alias("stage 2"),
        pl.len().cast(pl.Int64).alias("overdue"),
        due_on().min().alias("oldest due date"))
        .sort("overdue", "service", descending=[True, False]).collect().cast(schema))
