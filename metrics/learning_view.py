"""Learning from complaints, comments and compliments: which themes and services have
complaints upheld most (with the counts behind each rate), how themes move against upheld over
time, and what residents comment on and thank the council for.

Upheld figures are the `upheld_pct` KPI's own function (month of responded_on), counted by
theme through `compute_by_column` and by service through `compute`, then summed over the
period; so every group adds up to the KPI's figure. Comments and compliments are counts of
complaint-feed rows of those kinds by the month they were received.
"""

from dataclasses import replace

import polars as pl

from metrics.complaints_view import NOT_RECORDED, themes_by_month
from metrics.compute import Query, Sources, compute, compute_by_column, kept_facts
from metrics.periods import period_totals
from transform.calendar import month_of_date

UPHELD = "upheld_pct"
LABELS = {"category": "Theme", "service": "Service"}


def upheld_by(sources: Sources, query: Query, by: str) -> pl.DataFrame:
    """Complaints upheld (in whole or in part) by theme (`category`) or `service` over the
    query's months: Theme or Service, Upheld, Decided, Upheld %; the most upheld first."""
    upheld = replace(query, kpis=(UPHELD,))
    long = (compute_by_column(sources, upheld, by) if by == "category"
            else compute(sources, replace(upheld, by=(by,))))
    return _upheld_table(period_totals(long.select(by, "kpi", "numerator", "denominator"), [by]),
                         by)


def _upheld_table(totals: pl.DataFrame, by: str) -> pl.DataFrame:
    return totals.select(
        pl.col(by).alias(LABELS[by]),
        pl.col("numerator").cast(pl.Int64).alias("Upheld"),
        pl.col("denominator").cast(pl.Int64).alias("Decided"),
        pl.col("value").round(1).alias("Upheld %"),
    ).sort("Upheld", "Decided", LABELS[by], descending=[True, True, False])


def themes_against_upheld(sources: Sources, query: Query) -> pl.DataFrame:
    """Per month and theme: complaints received (each stage a row, month of received_on) and
    complaints upheld of those decided (month of responded_on): Month, Theme, Received,
    Upheld, Decided, Upheld %."""
    received = themes_by_month(sources.complaints, query).rename(
        {"month": "Month", "category": "Theme", "complaints": "Received"})
    decided = compute_by_column(sources, replace(query, kpis=(UPHELD,)), "category").select(
        pl.col("month").alias("Month"), pl.col("category").alias("Theme"),
        pl.col("numerator").cast(pl.Int64).alias("Upheld"),
        pl.col("denominator").cast(pl.Int64).alias("Decided"))
    return received.join(decided, on=["Month", "Theme"], how="full", coalesce=True).with_columns(
        pl.col("Received", "Upheld", "Decided").fill_null(0)).with_columns(
        pl.when(pl.col("Decided") > 0).then(100 * pl.col("Upheld") / pl.col("Decided"))
        .round(1).alias("Upheld %")).sort("Month", "Theme")


def feedback_by(complaints: pl.DataFrame, query: Query, kind: str, by: str) -> pl.DataFrame:
    """Comments or compliments (`kind`) received in the query's months by theme (`category`) or
    `service`: Theme or Service, and how many (Comments or Compliments); the most first."""
    count = "Comments" if kind == "comment" else "Compliments"
    month = month_of_date(pl.col("received_on"))
    rows = kept_facts(complaints, query.filters).filter(
        (pl.col("kind") == kind)
        & month.is_between(pl.lit(query.first_month), pl.lit(query.last_month)))
    return (rows.group_by(pl.col(by).fill_null(NOT_RECORDED).alias(LABELS[by]))
            .agg(pl.len().cast(pl.Int64).alias(count))
            .sort(count, LABELS[by], descending=[True, False]).collect())
