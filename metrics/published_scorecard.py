"""The monthly scorecard as the `public` role sees it: published figures only, through the same
suppression as `metrics export --publish` (`metrics.export.published`, `docs/kpis.md`).

A public visitor gets each measure's figure for the month, last month and a year ago, its target,
and the changes worked out from the figures shown. Nothing derived from the exact series is
shown (sparklines, SPC readings, the sentences that quote other months): those would give back
what the suppression withholds. A figure worked out from counts the page withholds is withheld
too (`DERIVED_FROM`): money and carbon are contacts times a unit factor that the papers publish,
and complaints per 1,000 contacts times the contacts shown gives the complaints back.
"""

import polars as pl

from metrics.export import published
from metrics.registry import THEMES
from metrics.scorecard import Tile
from metrics.wording import change, format_value
from transform.calendar import shift_month

WHEN = {"Value": 0, "Last month": -1, "A year ago": -12}
# kpi -> the counts it is worked out from, which a reader could get back from it
DERIVED_FROM = {**dict.fromkeys(("cost_to_serve_gbp", "channel_shift_saving_gbp", "carbon_kg",
                                 "carbon_saving_kg"), ("contacts",)),
                "complaints_per_1000_contacts": ("stage1_complaints_received",
                                                 "stage2_escalations_received")}
WITHHELD = "not published (too few cases)"


def published_scorecard(tiles: list[Tile], settings: dict[str, str]) -> pl.DataFrame:
    """One row per tile: Theme, KPI, Value, Last month, A year ago (each as published: a figure,
    "<5", or withheld), Target, and the changes on last month and a year ago (only between two
    published figures)."""
    figures = _published_figures(tiles, settings)
    rows = []
    for tile in tiles:
        kpi = tile.kpi
        months = {label: shift_month(tile.month, offset) for label, offset in WHEN.items()}
        shown = {label: figures.get((kpi.id, month)) for label, month in months.items()}
        row = {"Theme": THEMES[kpi.theme], "KPI": kpi.label,
               **{label: _text(kpi, shown[label], tile.rows.get(month, (None,) * 3)[2])
                  for label, month in months.items()},
               "Target": format_value(kpi, tile.target) if tile.target is not None else ""}
        for label, before in (("Change on last month", "Last month"),
                              ("Change on a year ago", "A year ago")):
            moved = change(kpi, _number(shown["Value"]), _number(shown[before]))
            row[label] = f"{moved.arrow} {moved.text}" if moved else ""
        rows.append(row)
    return pl.DataFrame(rows, schema=[*("Theme", "KPI"), *WHEN, "Target", "Change on last month",
                                      "Change on a year ago"], orient="row")


def _published_figures(tiles: list[Tile], settings: dict[str, str]) -> dict:
    """(kpi, month) -> the published value as text ("<5", a number) or None (withheld)."""
    records = [(t.kpi.id, month, *t.rows.get(month, (None, None, None)))
               for t in tiles for month in {shift_month(t.month, o) for o in WHEN.values()}]
    frame = pl.DataFrame(records, orient="row", schema={
        "kpi": pl.String, "month": pl.String, "numerator": pl.Float64,
        "denominator": pl.Float64, "value": pl.Float64})
    figures = {(r["kpi"], r["month"]): r["value"]
               for r in published(frame, settings).iter_rows(named=True)}
    for kpi, month in list(figures):
        if any(_withheld(figures.get((count, month))) for count in DERIVED_FROM.get(kpi, ())):
            figures[kpi, month] = None
    return figures


def _withheld(text: str | None) -> bool:
    return text is None or text.startswith("<")


def _number(text: str | None) -> float | None:
    """A published figure as a number; None when withheld or shown as "<5"."""
    if text is None or text.startswith("<"):
        return None
    return float(text)


def _text(kpi, value: str | None, exact: float | None) -> str:
    if exact is None:
        return format_value(kpi, None)
    if value is None:
        return WITHHELD
    return value if value.startswith("<") else format_value(kpi, float(value))
