"""The figures of the satisfaction page: CSAT, NPS and effort over a period, by channel or
service, each with its n; and the latest survey comments for one service.

Intervals (`docs/kpis.md`: "wherever a satisfaction rate is shown, show its 95 % Wilson interval and
its n"): CSAT is a proportion, satisfied ÷ answered, so it gets the 95 % Wilson score interval
on that numerator and denominator. NPS (a difference of two proportions, −100 to 100) and
customer effort (a mean of a 1–7 score) are not proportions, so a Wilson interval does not
apply to them: they are shown with their n only, and no interval is claimed for them.
"""

from dataclasses import replace

import polars as pl
from sqlalchemy import Engine

from data.facts import flagged_contacts
from data.facts import latest_comments as _latest_comments
from metrics.applicability import applicable
from metrics.compute import Query, Sources, compute
from metrics.intervals import wilson_expr
from metrics.periods import period_totals, wide

SATISFACTION_KPIS = ("survey_responses", "csat_pct", "nps", "ces_mean")
COMMENTS_SHOWN = 50


def satisfaction_by(sources: Sources, query: Query) -> pl.DataFrame | None:
    """The satisfaction KPIs over the query's months by its `by` (() for one overall row).

    Columns: *by, responses, csat_pct (100 × Σ satisfied ÷ Σ answered), csat_low and csat_high
    (its 95 % Wilson interval, %), csat_n (Σ answered), nps (100 × Σ (promoters − detractors)
    ÷ Σ answered), nps_n, ces_mean (Σ ces ÷ Σ answered), ces_n. None when the query's filters
    or groups leave the satisfaction KPIs out (their declared dimensions: no ward).
    """
    if not applicable(SATISFACTION_KPIS, query.dimensions):
        return None
    by = query.by
    long = compute(sources, replace(query, kpis=SATISFACTION_KPIS))
    totals = period_totals(long, by)
    values = wide(totals, by, SATISFACTION_KPIS)
    counts = wide(totals, by, SATISFACTION_KPIS, "denominator")
    satisfied = wide(totals, by, ("csat_pct",), "numerator").rename({"csat_pct": "_satisfied"})
    frame = pl.concat([values, counts.drop(list(by)).rename(
        {k: f"{k}_n" for k in SATISFACTION_KPIS}), satisfied.drop(list(by))], how="horizontal")
    low, high = wilson_expr(pl.col("_satisfied"), pl.col("csat_pct_n"))
    return frame.select(
        *by,
        pl.col("survey_responses").fill_null(0).cast(pl.Int64).alias("responses"),
        "csat_pct", low.alias("csat_low"), high.alias("csat_high"),
        pl.col("csat_pct_n").fill_null(0).cast(pl.Int64).alias("csat_n"),
        "nps", pl.col("nps_n").fill_null(0).cast(pl.Int64),
        "ces_mean", pl.col("ces_mean_n").fill_null(0).cast(pl.Int64).alias("ces_n"))


def shown_table(frame: pl.DataFrame, by: tuple[str, ...]) -> pl.DataFrame:
    """`satisfaction_by` as the page's table: labelled columns, one decimal, most responses
    first."""
    return frame.sort("responses", *by, descending=[True, *[False] * len(by)]).select(
        *[pl.col(d).alias(d.capitalize()) for d in by],
        pl.col("responses").alias("Responses"),
        pl.col("csat_pct").round(1).alias("Satisfied %"),
        pl.col("csat_low").round(1).alias("95 % interval from"),
        pl.col("csat_high").round(1).alias("95 % interval to"),
        pl.col("csat_n").alias("Satisfaction n"),
        pl.col("nps").round(1).alias("Net promoter score"),
        pl.col("nps_n").alias("NPS n"),
        pl.col("ces_mean").round(2).alias("Effort (1–7)"),
        pl.col("ces_n").alias("Effort n"))


def interval_text(low: float | None, high: float | None, n: int) -> str:
    """"95 % interval 49.0 % to 94.3 %, n = 10" (Wilson), or just the n when there is none."""
    if low is None or high is None:
        return f"n = {n:,}"
    return f"95 % interval {low:.1f} % to {high:.1f} %, n = {n:,}"


def latest_comments(engine: Engine, service: str, query: Query,
                    limit: int = COMMENTS_SHOWN) -> pl.DataFrame:
    """The latest `limit` non-empty comments (already masked on the way in) for one service
    with responded_at in the query's months (and on its chosen channels, if any), newest first.

    Record-level: for signed-in staff only. A bounded read with bound parameters. Columns:
    responded_at, channel, csat, nps, ces, comment, and safeguarding: whether the response
    rates a contact flagged safeguarding (its comment is then for that role alone).
    """
    with engine.connect() as conn:
        found = _latest_comments(conn, service, *query.span, query.filters.get("channel", ()),
                                 limit)
        flagged = flagged_contacts(conn, found.get_column("contact_id").drop_nulls().to_list())
    return found.select(pl.exclude("contact_id"),
                        pl.col("contact_id").is_in(pl.Series(list(flagged), dtype=pl.String))
                        .fill_null(False)
                        .alias("safeguarding"))
