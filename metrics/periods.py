"""A KPI over a period of several months: the months' parts added up, then divided.

For each KPI and group:

    numerator   = Σ over months of the monthly numerators
    denominator = Σ over months of the monthly denominators (empty for KPIs without one)
    value       = scale × numerator ÷ denominator (empty when the denominator is 0);
                  for KPIs without a denominator, value = numerator

so that 3/4 in one month and 1/6 in the next make 4/10 = 40 %, never the 45.8 % that averaging
75 % and 16.7 % would give.
"""

from collections.abc import Sequence

import polars as pl

import metrics.kpis  # noqa: F401  (registers every KPI)
from metrics.registry import HEADLINE_ONLY, REGISTRY


def period_totals(long: pl.DataFrame, by: Sequence[str] = ()) -> pl.DataFrame:
    """The long form of `metrics.compute.compute` (month, groups, kpi, numerator, denominator)
    summed over its months: one row per group in `by` and KPI, columns *by, kpi, numerator,
    denominator, value, sorted by group and KPI."""
    by = list(by)
    known = {**REGISTRY, **HEADLINE_ONLY}
    unknown = set(long.get_column("kpi").unique()) - set(known)
    if unknown:
        raise KeyError(f"not a registered KPI: {sorted(unknown)}")
    scales = pl.DataFrame({"kpi": list(known), "_scale": [k.scale for k in known.values()]},
                          schema={"kpi": pl.String, "_scale": pl.Float64})
    summed = long.group_by(*by, "kpi").agg(
        pl.col("numerator").sum(),
        # A sum of no values is 0: keep the denominator empty when no month had one.
        pl.when(pl.col("denominator").is_not_null().any())
        .then(pl.col("denominator").sum()).alias("denominator"))
    return summed.join(scales, on="kpi", how="left").with_columns(
        pl.when(pl.col("_scale").is_null()).then(pl.col("numerator"))
        .when(pl.col("denominator") > 0)
        .then(pl.col("_scale") * pl.col("numerator") / pl.col("denominator"))
        .alias("value")
    ).select(*by, "kpi", pl.col("numerator").cast(pl.Float64),
             pl.col("denominator").cast(pl.Float64), pl.col("value").cast(pl.Float64)
             ).sort(*by, "kpi")


def wide(totals: pl.DataFrame, by: Sequence[str], kpis: Sequence[str],
         column: str = "value") -> pl.DataFrame:
    """One row per group (by nothing: exactly one row), one column per KPI (named by its id)
    holding `column` of the totals; a KPI with no row for a group reads empty."""
    index = list(by) or ["_all"]
    rows = totals.filter(pl.col("kpi").is_in(list(kpis))).with_columns(pl.lit("").alias("_all"))
    if rows.height == 0:
        # By nothing there is always one row (the whole), even when it has no figures.
        empty = {k: [] if by else [None] for k in kpis}
        return pl.DataFrame({**{c: [] for c in by}, **empty},
                            schema={**{c: pl.String for c in by}, **{k: pl.Float64 for k in kpis}})
    out = rows.pivot(on="kpi", index=index, values=column)
    out = out.with_columns(pl.lit(None, pl.Float64).alias(k) for k in kpis if k not in out.columns)
    return out.select(*by, *kpis).sort(list(by)) if by else out.select(*kpis)
