"""Small-number suppression for anything that leaves the building (committee pack, one-pager,
`--publish` exports): the one implementation, as `docs/kpis.md` ("Publishing small numbers")
says.

- Primary: a count from 1 to 4 reads "<5"; a rate is withheld (value, numerator and denominator
  all blank) when its denominator is below 10, or its numerator or complement (denominator −
  numerator) is a count from 1 to 4. Both thresholds are configurable (`ref_settings`, read by
  `thresholds`). Zero stays "0": knowing nobody did something does not identify anyone.
- Secondary: where a total is published with its parts (`totals`), no withheld figure may be
  the total less the others shown, nor the total the sum of its parts (`secondary`).

On-screen views for signed-in staff use the exact figures and never come here.
"""

from collections.abc import Callable, Mapping, Sequence

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


FIGURES = ("numerator", "denominator", "value")


def primary(df: pl.DataFrame, count_kpis: set[str], threshold: int = 5,
            min_denominator: float = 10, proportions: set[str] | None = None,
            numerator_scales: Mapping[str, float] | None = None) -> pl.Series:
    """Per row of a long KPI frame: is it withheld by the primary rule?

    Count KPIs: a value from 1 to threshold − 1. Rate KPIs (with a denominator): a denominator
    below `min_denominator`; a numerator count from 1 to threshold − 1 (``numerator_scales``:
    KPIs whose numerator is a count times a factor, as complaints per 1,000 contacts holds
    complaints × 1000); for ``proportions`` (a share of the denominator) the complement too.
    A rate whose numerator is not a count of people (an average score) is judged by its
    denominator alone. Money and carbon are never withheld."""
    scales = dict(numerator_scales or {})
    counted = [*(proportions or ()), *scales]
    scale = pl.col("kpi").replace_strict(scales, default=1.0, return_dtype=pl.Float64)
    numerator, denominator = pl.col("numerator"), pl.col("denominator")

    def small(x: pl.Expr) -> pl.Expr:
        return x.is_between(1, threshold, closed="left").fill_null(False)

    is_rate = denominator.is_not_null()
    rate = (is_rate & ((denominator < min_denominator)
                       | (pl.col("kpi").is_in(counted) & small(numerator / scale))
                       | (pl.col("kpi").is_in(list(proportions or ()))
                          & small(denominator - numerator))))
    count = pl.col("kpi").is_in(list(count_kpis)) & small(pl.col("value"))
    return df.select((rate.fill_null(False) | count).alias("withheld")).to_series()


def secondary(weights: Sequence[float], withheld: Sequence[bool],
              families: Sequence[tuple[int, Sequence[int]]]) -> list[bool]:
    """The withheld flags after secondary suppression.

    `families`: (the row of a total, the rows of its parts in the table's order). A figure is
    recoverable when it is the only withheld non-zero one of its family: a part is the total
    less the others, the total the sum of its parts. Then the smallest other non-zero part by
    its weight (the count: the numerator of a count, the denominator of a rate; ties: the first
    in the table) is withheld too, or, with none left, the total; and so on, across every
    family, until no figure is recoverable."""
    out = list(withheld)
    changed = True
    while changed:
        changed = False
        for total, parts in families:
            hidden = [i for i in (total, *parts) if out[i] and weights[i] > 0]
            if len(hidden) != 1:
                continue
            shown = [i for i in parts if not out[i] and weights[i] > 0]
            pick = min(shown, key=lambda i: (weights[i], parts.index(i))) if shown else (
                total if not out[total] else None)
            if pick is not None:
                out[pick] = changed = True
    return out


def families(df: pl.DataFrame, totals: Mapping[str, Callable[[str], str | None]]
             ) -> list[tuple[int, list[int]]]:
    """(total row, part rows) of a long frame: for each column in `totals`, a row whose value
    maps to a total's value (`"Waste"` -> `"All"`; a month -> its half) is a part of the row
    that is the same but for that value, if the frame has that row."""
    keys = [c for c in df.columns if c not in FIGURES]
    rows = df.select(keys).rows()
    index = {row: i for i, row in enumerate(rows)}
    found: dict[tuple[int, str], list[int]] = {}
    for column, total_of in totals.items():
        at = keys.index(column)
        for i, row in enumerate(rows):
            parent = total_of(row[at]) if row[at] is not None else None
            if parent is None:
                continue
            total = index.get((*row[:at], parent, *row[at + 1:]))
            if total is not None:
                found.setdefault((total, column), []).append(i)
    return [(total, parts) for (total, _), parts in found.items()]


def suppress_frame(
    df: pl.DataFrame, count_kpis: set[str], threshold: int = 5, min_denominator: float = 10,
    numerator_scales: Mapping[str, float] | None = None, proportions: set[str] | None = None,
    totals: Mapping[str, Callable[[str], str | None]] | None = None,
) -> pl.DataFrame:
    """Long-form KPI frame -> the same frame with numerator, denominator and value as text, as
    published: withheld counts read "<5" (numerator and value), withheld rates are blank
    (numerator, denominator and value), everything else as its number (`number_text`).
    `totals` says which rows are totals of which (`families`), for secondary suppression."""
    flags = primary(df, count_kpis, threshold, min_denominator, proportions, numerator_scales)
    if totals:
        rate = df.get_column("denominator").is_not_null()
        weights = pl.select(pl.when(rate).then(df.get_column("denominator"))
                            .otherwise(df.get_column("numerator")).fill_null(0)).to_series()
        flags = pl.Series(secondary(weights.to_list(), flags.to_list(),
                                    families(df, totals)), dtype=pl.Boolean)
    withheld = pl.lit(flags)
    is_rate = pl.col("denominator").is_not_null()
    hidden = pl.lit(f"<{threshold}")
    return df.with_columns(
        numerator=pl.when(withheld & is_rate).then(None).when(withheld).then(hidden)
        .otherwise(number_text(pl.col("numerator"))),
        denominator=pl.when(withheld & is_rate).then(None)
        .otherwise(number_text(pl.col("denominator"))),
        value=pl.when(withheld & is_rate).then(None).when(withheld).then(hidden)
        .otherwise(number_text(pl.col("value"))),
    )
