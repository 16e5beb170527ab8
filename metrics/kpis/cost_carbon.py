"""Cost and carbon KPIs (`docs/kpis.md`, Cost and carbon): month of `received_at`, priced with the
per-channel assumptions table. For these the numerator holds the value and there is no
denominator."""

from functools import partial

import polars as pl

from metrics.registry import Inputs, kpi

footprint_kpi = partial(kpi, feed="contacts", needs=("parts", "assumptions"),
                        dimensions=("service", "channel", "ward"))
# A mix worse than the baseline's saves less than nothing.
saving_kpi = partial(kpi, feed="contacts", needs=("parts", "assumptions", "baseline"),
                     dimensions=("service", "ward"), bounds=(None, None), why_not={
                         "channel": "a saving compares a group's whole channel mix with its "
                                    "baseline mix, so it has no share on one channel"})


def _over_channels(amount: pl.Expr) -> pl.Expr:
    """Σ over channels, added in channel order: floating-point sums depend on the order of their
    terms, and the rows read from the warehouse come in no particular order, so without a fixed
    order the same data could print differently (e.g. on SQLite and on PostgreSQL). Each group
    has one row per channel. (A running sum, because polars drops a sort before a plain sum.)"""
    return amount.sort_by("channel").cum_sum().last().cast(pl.Float64)


def _footprint(inputs: Inputs, by: list[str], factor: str) -> pl.LazyFrame:
    """Σ over channels of contacts × the channel's factor."""
    # Contacts are whole numbers: summing them first is exact, whatever the order of the rows.
    keys = ["month", *by, *([] if "channel" in by else ["channel"])]
    counts = inputs.parts.group_by(keys).agg(pl.col("contacts").sum())
    priced = counts.join(inputs.assumptions.lazy(), on="channel", how="left")
    return priced.group_by("month", *by).agg(
        _over_channels(pl.col("contacts") * pl.col(factor).fill_null(0)).alias("numerator"),
        pl.lit(None, pl.Float64).alias("denominator"))


def _shift_saving(inputs: Inputs, by: list[str], factor: str) -> pl.LazyFrame:
    """Σ over channels of (baseline share × contacts in month − contacts on channel in month)
    × factor, each group against its own baseline mix; groups absent from the baseline have no
    figure."""
    base = inputs.baseline.group_by(*by, "channel").agg(pl.col("contacts").sum().alias("base"))
    share = base.with_columns(
        (pl.col("base") / pl.col("base").sum().over(by or pl.lit(1))).alias("share"))
    counts = inputs.parts.group_by("month", *by, "channel").agg(pl.col("contacts").sum().alias("n"))
    totals = counts.group_by("month", *by).agg(pl.col("n").sum().alias("total"))
    expected = (totals.join(share, on=by, how="inner") if by
                else totals.join(share, how="cross"))
    # Only groups with a baseline mix have savings. Ungrouped, an empty baseline (a filter to a
    # service without one, or a configured baseline period without contacts) means none at all.
    actual = (counts.join(share.select(by).unique(), on=by, how="semi") if by
              else counts.join(share.head(1).select(pl.col("share").alias("_any")), how="cross")
              .drop("_any"))
    keys = ["month", *by, "channel"]
    both = expected.select(*keys, (pl.col("share") * pl.col("total")).alias("expected")).join(
        actual.select(*keys, "n"), on=keys, how="full", coalesce=True)
    priced = both.join(inputs.assumptions.lazy(), on="channel", how="left")
    return priced.group_by("month", *by).agg(
        _over_channels((pl.col("expected").fill_null(0) - pl.col("n").fill_null(0))
                       * pl.col(factor).fill_null(0)).alias("numerator"),
        pl.lit(None, pl.Float64).alias("denominator"))


@footprint_kpi("cost_to_serve_gbp", "Cost to serve", "£", "lower", "efficient",
     "What handling the month's contacts cost, at each channel's assumed unit cost.")
def cost_to_serve_gbp(inputs: Inputs, by: list[str]):
    """Σ over channels of contacts × unit cost (£)."""
    return _footprint(inputs, by, "unit_cost_gbp")


@saving_kpi("channel_shift_saving_gbp", "Saving from channel shift", "£", "higher", "efficient",
     "What the month's contacts cost less than they would have with the baseline channel mix.")
def channel_shift_saving_gbp(inputs: Inputs, by: list[str]):
    """Σ over channels of (baseline share × contacts in month − contacts on channel in month)
    × unit cost (£)."""
    return _shift_saving(inputs, by, "unit_cost_gbp")


@footprint_kpi("carbon_kg", "Carbon from contact", "kg CO2e", "lower", "efficient",
     "Emissions from residents' journeys and from paper and post, at each channel's factor.")
def carbon_kg(inputs: Inputs, by: list[str]):
    """Σ over channels of contacts × carbon factor (kg CO2e)."""
    return _footprint(inputs, by, "carbon_kg")


@saving_kpi("carbon_saving_kg", "Carbon saved by channel shift", "kg CO2e", "higher", "efficient",
     "Emissions avoided compared with the baseline channel mix.")
def carbon_saving_kg(inputs: Inputs, by: list[str]):
    """Σ over channels of (baseline share × contacts in month − contacts on channel in month)
    × carbon factor (kg CO2e)."""
    return _shift_saving(inputs, by, "carbon_kg")
