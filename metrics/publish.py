"""Small-number suppression for anything that leaves the building (committee pack, public exports).

`docs/kpis.md`: a count from 1 to 4 is shown as "<5" and a rate whose denominator is below 10 is
not shown; both thresholds are configurable (`ref_settings`, read by `thresholds`). Zero stays
"0": knowing nobody did something does not identify anyone. On-screen views for signed-in staff
use the exact figures and never come here.
"""

import polars as pl

DEFAULT_THRESHOLDS = (5, 10.0)


def thresholds(settings: dict[str, str]) -> tuple[int, float]:
    """(a count below this and above 0 is hidden, a rate whose denominator is below this is
    hidden), from the settings `suppress_counts_below` and `suppress_rates_denominator_below`
    (5 and 10 when unset)."""
    counts, rates = DEFAULT_THRESHOLDS
    return (int(settings.get("suppress_counts_below") or counts),
            float(settings.get("suppress_rates_denominator_below") or rates))


def suppress_count(n: int | float, threshold: int = 5) -> str:
    """Count as text: 1..threshold−1 -> "<threshold", anything else its integer text."""
    if n != int(n):
        raise ValueError(f"a count must be a whole number, got {n}")
    return f"<{threshold}" if 1 <= n < threshold else str(int(n))


def suppress_rate(
    value: float | None, denominator: float | None, min_denominator: float = 10
) -> float | None:
    """The rate, or None when its denominator is missing or below min_denominator."""
    if denominator is None or denominator < min_denominator:
        return None
    return value


def number_text(x: pl.Expr) -> pl.Expr:
    """A number as text: whole numbers without ".0", so that counts read as counts; others
    with full precision."""
    whole = x.cast(pl.Int64).cast(pl.String)
    return pl.when(x == x.round()).then(whole).otherwise(x.cast(pl.String))


def _count_text(x: pl.Expr, threshold: int, scale: pl.Expr | float = 1.0) -> pl.Expr:
    scale = pl.lit(scale) if not isinstance(scale, pl.Expr) else scale
    small = (x / scale).is_between(1, threshold, closed="left")
    hidden = pl.format("<{}", (scale * threshold).cast(pl.Int64))
    return pl.when(small).then(hidden).otherwise(number_text(x))


def suppress_frame(
    df: pl.DataFrame, count_kpis: set[str], threshold: int = 5, min_denominator: float = 10,
    numerator_scales: dict[str, float] | None = None,
) -> pl.DataFrame:
    """Long-form KPI frame -> the same frame with numerator, denominator and value as text.

    - Count KPIs (``count_kpis``, no denominator): numerator and value of 1..threshold−1 -> "<5".
    - Rate KPIs (denominator present) with denominator < min_denominator: numerator, denominator
      and value all null. Blanking only the value is not enough: numerator ÷ denominator gives
      the rate back, and a shown numerator lets a reader subtract the other groups' published
      numerators from the published total to recover what was hidden (differencing).
    - Other rate rows: numerator and denominator of 1..threshold−1 -> "<5"; value shown.
    - KPIs with neither (money, carbon): shown as they are.
    - ``numerator_scales``: KPIs whose numerator is a count times a factor (complaints per 1,000
      contacts holds complaints × 1000): the count is judged, and hidden as "<5000".
    """
    scales = numerator_scales or {}
    scale = pl.col("kpi").replace_strict(scales, default=1.0, return_dtype=pl.Float64)
    is_count = pl.col("kpi").is_in(list(count_kpis))
    is_rate = pl.col("denominator").is_not_null()
    too_small = is_rate & (pl.col("denominator") < min_denominator)
    numerator, denominator, value = pl.col("numerator"), pl.col("denominator"), pl.col("value")
    return df.with_columns(
        numerator=pl.when(too_small)
        .then(None)
        .when(is_count | is_rate)
        .then(_count_text(numerator, threshold, scale))
        .otherwise(number_text(numerator)),
        denominator=pl.when(too_small).then(None).otherwise(_count_text(denominator, threshold)),
        value=pl.when(too_small)
        .then(None)
        .when(is_count)
        .then(_count_text(value, threshold))
        .otherwise(number_text(value)),
    )
