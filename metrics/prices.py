"""The prices behind the money figures: the year each unit cost is priced at, and the uplift to
a later year's prices that a council may record.

A unit cost is at its source's prices (`cost_year`). Where a council records an index for a
channel (`uplift_factor`, `uplift_year`, `uplift_source` in `ref_channel_assumptions`), that unit
cost at `uplift_year`'s prices is

    unit_cost_gbp × uplift_factor

and a money figure at those prices is the same KPI computed with those unit costs. `metrics
export` never applies an uplift: its figures stay as the KPI definitions say. A saving from
channel shift prices contacts that did not happen: it is notional (an avoided cost), not cash.
"""

from dataclasses import replace

import polars as pl

from metrics.compute import Sources
from metrics.labels import readable

NOTIONAL = "notional: an avoided cost, not cash"


def has_uplift(assumptions: pl.DataFrame) -> bool:
    """Whether any channel records an uplift of its unit cost."""
    return assumptions.get_column("uplift_factor").is_not_null().any()


def price_years(assumptions: pl.DataFrame, uplifted: bool = False) -> dict[str, int]:
    """Channel -> the year its unit cost is priced at: `cost_year`, or with `uplifted` the
    `uplift_year` where an uplift is recorded."""
    years = {}
    for row in assumptions.sort("channel").iter_rows(named=True):
        moved = uplifted and row["uplift_factor"] is not None
        years[row["channel"]] = row["uplift_year"] if moved else row["cost_year"]
    return years


def prices_text(assumptions: pl.DataFrame, uplifted: bool = False) -> str:
    """"2008 prices", or, where the unit costs' years differ, "2008 prices (face to face, phone,
    …) and 2012 prices (letter)", the commonest year first."""
    by_year: dict[int, list[str]] = {}
    for channel, year in price_years(assumptions, uplifted).items():
        by_year.setdefault(year, []).append(readable(channel).lower())
    if len(by_year) <= 1:
        return f"{next(iter(by_year), 'unknown')} prices"
    ordered = sorted(by_year.items(), key=lambda item: (-len(item[1]), item[0]))
    parts = [f"{year} prices ({', '.join(channels)})" for year, channels in ordered]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def uplift_text(assumptions: pl.DataFrame) -> str:
    """The uplifts recorded, in words: "×1.520 from 2008 to 2025 prices (ONS CPIH) for phone,
    web"; "" without any."""
    rows = assumptions.filter(pl.col("uplift_factor").is_not_null()).sort("channel")
    groups: dict[tuple, list[str]] = {}
    for row in rows.iter_rows(named=True):
        key = (row["uplift_factor"], row["cost_year"], row["uplift_year"], row["uplift_source"])
        groups.setdefault(key, []).append(readable(row["channel"]).lower())
    return "; ".join(f"×{factor:.3f} from {start} to {end} prices ({source}) for "
                     f"{', '.join(channels)}"
                     for (factor, start, end, source), channels in groups.items())


def uplifted(sources: Sources, assumptions: pl.DataFrame) -> Sources:
    """The same sources with each unit cost uplifted where the council records an uplift (the
    others as they are), for money figures at those later prices."""
    factors = assumptions.select("channel", pl.col("uplift_factor").fill_null(1.0))
    priced = sources.assumptions.join(factors, on="channel", how="left").with_columns(
        (pl.col("unit_cost_gbp") * pl.col("uplift_factor").fill_null(1.0))
        .alias("unit_cost_gbp")).drop("uplift_factor")
    return replace(sources, assumptions=priced)
