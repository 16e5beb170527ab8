"""The figures of the satisfaction page: CSAT, NPS and effort over a period, by channel or
service, each with its n; and the latest survey comments for one service.

Intervals (kpis.md: "wherever a satisfaction rate is shown, show its 95 % Wilson interval and
its n"): CSAT is a proportion, satisfied ÷ answered, so it gets the 95 % Wilson score interval
on that numerator and denominator. NPS (a difference of two proportions, −100 to 100) and
customer effort (a mean of a 1–7 score) are not proportions, so a Wilson interval does not
apply to them: they are shown with their n only, and no interval is claimed for them.
"""

from datetime import datetime

import polars as pl
from sqlalchemy import Connection

from data.bulk import bind_value, placeholder, read_frame
from metrics.compute import Query, Sources, compute
from metrics.intervals import wilson_expr
from metrics.periods import period_totals, wide
from transform.calendar import month_start, shift_month

SATISFACTION_KPIS = ("survey_responses", "csat_pct", "nps", "ces_mean")
COMMENTS_SHOWN = 50
COMMENT_SCHEMA = {"responded_at": pl.Datetime("us", "UTC"), "channel": pl.String,
                  "csat": pl.Int64, "nps": pl.Int64, "ces": pl.Int64, "comment": pl.String}


def satisfaction_by(sources: Sources, by: tuple[str, ...], first_month: str, last_month: str,
                    filters: dict[str, tuple[str, ...]]) -> pl.DataFrame | None:
    """The satisfaction KPIs over first_month..last_month by `by` (() for one overall row).

    Columns: *by, responses, csat_pct (100 × Σ satisfied ÷ Σ answered), csat_low and csat_high
    (its 95 % Wilson interval, %), csat_n (Σ answered), nps (100 × Σ (promoters − detractors)
    ÷ Σ answered), nps_n, ces_mean (Σ ces ÷ Σ answered), ces_n. None when a ward filter is set
    (responses carry no ward).
    """
    if "ward" in filters:
        return None
    long = compute(sources, Query(by=by, first_month=first_month, last_month=last_month,
                                  filters=filters, kpis=SATISFACTION_KPIS))
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


def period_bounds(first_month: str, last_month: str) -> tuple[datetime, datetime]:
    """[start, end) of the Europe/London months first..last, as UTC instants."""
    return month_start(first_month), month_start(shift_month(last_month, 1))


def latest_comments(conn: Connection, service: str, first_month: str, last_month: str,
                    channels: tuple[str, ...] = (), limit: int = COMMENTS_SHOWN) -> pl.DataFrame:
    """The latest `limit` non-empty comments (already masked on the way in) for one service
    with responded_at in the period (and, if given, on those channels), newest first.

    Record-level: for signed-in staff only. A bounded read with bound parameters.
    """
    mark = placeholder(conn)
    start, end = period_bounds(first_month, last_month)
    channel_clause = (f" AND channel IN ({', '.join([mark] * len(channels))})"
                      if channels else "")
    sql = ("SELECT responded_at, channel, csat, nps, ces, comment FROM fct_survey_responses "
           f"WHERE service = {mark} AND responded_at >= {mark} AND responded_at < {mark}"
           f"{channel_clause} AND comment IS NOT NULL AND comment <> '' "
           f"ORDER BY responded_at DESC LIMIT {mark}")
    params = (service, bind_value(conn, start), bind_value(conn, end), *channels, int(limit))
    return read_frame(conn, sql, COMMENT_SCHEMA, params)
