"""The figures of the channels, cost and carbon page, all from `metrics.compute.compute`.

Over a period of several months, parts are added and then divided (`metrics.periods`); the money
and carbon KPIs have no denominator, so over a period they are plain sums of the monthly values.
"""

from dataclasses import replace

import polars as pl

from metrics.compute import Query, Sources, compute
from metrics.periods import period_totals, wide

# The page's headline figures and trends, in display order.
HEADLINE_KPIS = ("contacts", "digital_pct", "self_service_pct", "cost_to_serve_gbp",
                 "channel_shift_saving_gbp", "carbon_kg", "carbon_saving_kg")
TREND_KPIS = HEADLINE_KPIS[1:]
MONEY_KPIS = ("cost_to_serve_gbp", "channel_shift_saving_gbp")
BY_CHANNEL_KPIS = ("contacts", "cost_to_serve_gbp", "carbon_kg")


def headline(sources: Sources, query: Query,
             kpis: tuple[str, ...] = HEADLINE_KPIS) -> dict[str, float | None]:
    """kpi -> its value over the query's period (all groups together): Σ numerators ÷
    Σ denominators, or Σ of the monthly values for KPIs without a denominator."""
    long = compute(sources, replace(query, by=(), kpis=kpis))
    totals = period_totals(long)
    values = dict(zip(totals.get_column("kpi"), totals.get_column("value")))
    return {k: values.get(k) for k in kpis}


def channel_mix(sources: Sources, query: Query) -> pl.DataFrame:
    """One row per channel: its contacts and share in the period against the baseline period.

    share_pct = 100 × contacts on the channel in the period ÷ all contacts in the period;
    baseline_share_pct = the same over the baseline months (`Sources.baseline`, with the same
    filters); change_points = share_pct − baseline_share_pct. A channel used in only one of the
    two periods has 0 contacts in the other. Sorted by share in the period, largest first.
    """
    period = _channel_contacts(sources, query, "contacts")
    if sources.baseline:
        first, last = sources.baseline
        base = _channel_contacts(sources, replace(query, first_month=first, last_month=last),
                                 "baseline_contacts")
    else:
        base = pl.DataFrame(schema={"channel": pl.String, "baseline_contacts": pl.Float64})
    both = period.join(base, on="channel", how="full", coalesce=True).with_columns(
        pl.col("contacts").fill_null(0))
    if sources.baseline:  # without a baseline period its counts stay empty, not zero
        both = both.with_columns(pl.col("baseline_contacts").fill_null(0))
    return both.with_columns(
        _share("contacts").alias("share_pct"),
        _share("baseline_contacts").alias("baseline_share_pct"),
    ).with_columns(
        (pl.col("share_pct") - pl.col("baseline_share_pct")).alias("change_points")
    ).select("channel", "contacts", "share_pct", "baseline_contacts", "baseline_share_pct",
             "change_points").sort(["share_pct", "channel"], descending=[True, False])


def digital_by_service(sources: Sources, query: Query) -> pl.DataFrame:
    """One row per service: digital_contacts, contacts and digital_pct = 100 × Σ contacts on a
    digital channel ÷ Σ contacts over the period. Sorted by digital_pct, highest first."""
    long = compute(sources, replace(query, by=("service",), kpis=("digital_pct",)))
    totals = period_totals(long, ["service"])
    return totals.select(
        "service", pl.col("numerator").alias("digital_contacts"),
        pl.col("denominator").alias("contacts"), pl.col("value").alias("digital_pct"),
    ).sort(["digital_pct", "service"], descending=[True, False], nulls_last=True)


def cost_carbon_by_channel(sources: Sources, query: Query) -> pl.DataFrame:
    """One row per channel over the period: contacts, its unit cost and carbon factor, and
    cost_to_serve_gbp = Σ contacts × unit cost, carbon_kg = Σ contacts × carbon factor (as the
    KPIs compute them). Savings from channel shift are not defined by channel. Sorted by cost,
    highest first."""
    long = compute(sources, replace(query, by=("channel",), kpis=BY_CHANNEL_KPIS))
    by_channel = wide(period_totals(long, ["channel"]), ["channel"], BY_CHANNEL_KPIS)
    return by_channel.join(sources.assumptions.select("channel", "unit_cost_gbp", "carbon_kg")
                           .rename({"carbon_kg": "carbon_kg_per_contact"}),
                           on="channel", how="left").select(
        "channel", "contacts", "unit_cost_gbp", "cost_to_serve_gbp", "carbon_kg_per_contact",
        "carbon_kg").sort(["cost_to_serve_gbp", "channel"], descending=[True, False])


def _channel_contacts(sources: Sources, query: Query, name: str) -> pl.DataFrame:
    long = compute(sources, replace(query, by=("channel",), kpis=("contacts",)))
    return long.group_by("channel").agg(pl.col("value").sum().alias(name))


def _share(column: str) -> pl.Expr:
    total = pl.col(column).sum()
    return pl.when(total > 0).then(100 * pl.col(column) / total)
