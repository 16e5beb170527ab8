"""The figures of the Members' enquiries page, over a period of months.

The KPIs come from the registry through `compute` and are summed over the period by
`period_totals` (numerators and denominators added up, then divided): by ward for volumes, by
service for timeliness. Open, overdue and repeat enquiries are breakdowns of enquiry rows at the
data horizon, not KPIs of their own.
"""

from dataclasses import replace
from datetime import datetime

import polars as pl

from metrics.compute import Query, Sources, compute, kept_facts
from metrics.kpis.enquiries import due_on, overdue_enquiries
from metrics.periods import period_totals, wide
from transform.calendar import london_day, month_of_date
from transform.marts import Standards

RECEIVED = "member_enquiries_received"
ACKNOWLEDGED = "member_enquiries_acknowledged_on_time_pct"
ANSWERED = "member_enquiries_on_time_pct"
ENQUIRY_KPIS = (RECEIVED, ACKNOWLEDGED, ANSWERED)
NOT_RECORDED = "Not recorded"
# What each rate's denominator counts, for "out of N ..." beside it.
OUT_OF = {ACKNOWLEDGED: "enquiries due an acknowledgement", ANSWERED: "replies"}
OPEN_BY = {"ward": "Ward", "member": "Member", "service": "Service"}


def enquiry_totals(sources: Sources, query: Query, by: tuple[str, ...] = ()) -> pl.DataFrame:
    """The enquiry KPIs over the query's months by `by` (service or ward, or nothing): *by,
    then per KPI its value and `<kpi>_n` (its denominator)."""
    long = compute(sources, replace(query, by=by, kpis=ENQUIRY_KPIS))
    totals = period_totals(long, by)
    values = wide(totals, by, ENQUIRY_KPIS).with_columns(pl.col(RECEIVED).fill_null(0))
    counts = wide(totals, by, ENQUIRY_KPIS, "denominator").rename(
        {k: f"{k}_n" for k in ENQUIRY_KPIS})
    return pl.concat([values, counts.drop(list(by))], how="horizontal")


def ward_table(totals: pl.DataFrame) -> pl.DataFrame:
    """`enquiry_totals` by ward as the page's table: most enquiries first."""
    return _labelled(totals.with_columns(pl.col("ward").replace("", NOT_RECORDED)), "ward",
                     "Ward").sort("Enquiries received", "Ward", descending=[True, False])


def service_table(totals: pl.DataFrame) -> pl.DataFrame:
    """`enquiry_totals` by service as the page's table: the least often on time first."""
    return _labelled(totals, "service", "Service").sort(
        "Answered on time %", "Service", nulls_last=True)


def _labelled(totals: pl.DataFrame, by: str, label: str) -> pl.DataFrame:
    return totals.select(
        pl.col(by).alias(label),
        pl.col(RECEIVED).cast(pl.Int64).alias("Enquiries received"),
        pl.col(ACKNOWLEDGED).round(1).alias("Acknowledged on time %"),
        pl.col(f"{ACKNOWLEDGED}_n").cast(pl.Int64).alias("Due an acknowledgement"),
        pl.col(ANSWERED).round(1).alias("Answered on time %"),
        pl.col(f"{ANSWERED}_n").cast(pl.Int64).alias("Replies"))


def open_now(enquiries: pl.DataFrame, as_of: datetime | None, standards: Standards,
             filters: dict[str, tuple[str, ...]], by: str) -> pl.DataFrame:
    """Enquiries open now (no reply yet, whatever the period), by ward, member or service: the
    group, open, overdue (due date before the as-of date), oldest due date among the overdue;
    the most overdue first."""
    label = OPEN_BY[by]
    schema = {label: pl.String, "Open": pl.Int64, "Overdue": pl.Int64,
              "Oldest overdue due date": pl.Date}
    if as_of is None:
        return pl.DataFrame(schema=schema)
    day = london_day(as_of)
    overdue = due_on(standards) < day
    rows = kept_facts(enquiries, filters).filter(pl.col("responded_on").is_null())
    return (rows.group_by(pl.col(by).replace("", None).fill_null(NOT_RECORDED).alias(label))
            .agg(pl.len().alias("Open"), overdue.sum().alias("Overdue"),
                 due_on(standards).filter(overdue).min().alias("Oldest overdue due date"))
            .sort("Overdue", "Open", label, descending=[True, True, False])
            .collect().cast(schema))


def overdue_count(enquiries: pl.DataFrame, as_of: datetime | None, standards: Standards,
                  filters: dict[str, tuple[str, ...]]) -> int:
    """Open enquiries whose due date is before the as-of date, now."""
    day = None if as_of is None else london_day(as_of)
    return overdue_enquiries(kept_facts(enquiries, filters), day, standards).select(
        pl.len()).collect().item()


def repeat_enquiries(enquiries: pl.DataFrame, query: Query) -> pl.DataFrame:
    """Enquiries about a matter already raised (the same resident, by pseudonym, about the same
    service: `docs/kpis.md`, same matter), received in the query's months, by service: Service,
    Enquiries (with a resident recorded), Matters raised again, Repeat enquiries (each after
    the first of its matter, the first counted even when it came before the period), Repeat
    share %; the most repeats first."""
    ordered = kept_facts(enquiries, query.filters).filter(
        pl.col("customer_pseudonym").is_not_null()).sort("received_on", "enquiry_id").with_columns(
        (pl.int_range(pl.len()).over("customer_pseudonym", "service") > 0).alias("repeat"))
    month = month_of_date(pl.col("received_on"))
    in_period = ordered.filter(month.is_between(pl.lit(query.first_month),
                                                pl.lit(query.last_month)))
    return (in_period.group_by(pl.col("service").alias("Service")).agg(
        pl.len().cast(pl.Int64).alias("Enquiries"),
        pl.struct("customer_pseudonym").filter(pl.col("repeat")).n_unique().cast(pl.Int64)
        .alias("Matters raised again"),
        pl.col("repeat").sum().cast(pl.Int64).alias("Repeat enquiries"))
        .with_columns((100 * pl.col("Repeat enquiries") / pl.col("Enquiries")).round(1)
                      .alias("Repeat share %"))
        .sort("Repeat enquiries", "Service", descending=[True, False]).collect())
