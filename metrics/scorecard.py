"""The monthly scorecard: each headline KPI for a month with its target, RAG, changes, SPC verdict
and a plain-English reading. The dashboard and the printed one-pager both draw these tiles."""

from dataclasses import dataclass

import polars as pl

from metrics.compute import Query, Sources, compute
from metrics.registry import REGISTRY, Kpi
from metrics.spc import SpcResult, variation_text, xmr
from metrics.targets import Rag, rag
from transform.calendar import months_between, shift_month

HISTORY_MONTHS = 24


@dataclass(frozen=True)
class Tile:
    kpi: Kpi
    month: str
    value: float | None
    numerator: float | None
    denominator: float | None
    target: float | None
    rag: Rag | None
    last_month: float | None
    last_year: float | None
    history: list[tuple[str, float | None]]  # the last 24 months, oldest first
    spc: SpcResult

    @property
    def sentence(self) -> str:
        return reading(self)


def scorecard(sources: Sources, month: str, targets: dict[str, tuple[float, float]],
              filters: dict[str, tuple[str, ...]] | None = None) -> list[Tile]:
    """Tiles for every KPI in registry order, for `month`, over its last 24 months; each KPI
    worded with the warehouse's service standards."""
    first = shift_month(month, -(HISTORY_MONTHS - 1))
    frame = compute(sources, Query(first_month=first, last_month=month, filters=filters or {}))
    months = months_between(first, month)
    tiles = []
    for kpi in (k.worded(sources.standards) for k in REGISTRY.values()):
        rows = frame.filter(pl.col("kpi") == kpi.id)
        if rows.height == 0:
            continue
        by_month = {r["month"]: r for r in rows.iter_rows(named=True)}
        history = [(m, by_month.get(m, {}).get("value")) for m in months]
        now = by_month.get(month, {})
        target, tolerance = targets.get(kpi.id, (None, None))
        value = now.get("value")
        tiles.append(Tile(
            kpi=kpi, month=month, value=value, numerator=now.get("numerator"),
            denominator=now.get("denominator"), target=target,
            rag=rag(value, target, kpi.better, tolerance) if kpi.better else None,
            last_month=by_month.get(shift_month(month, -1), {}).get("value"),
            last_year=by_month.get(shift_month(month, -12), {}).get("value"),
            history=history,
            spc=xmr([v for _, v in history], kpi.better, target)))
    return tiles


def format_value(kpi: Kpi, value: float | None) -> str:
    if value is None:
        return "no data"
    if kpi.unit == "%":
        return f"{value:.1f} %"
    if kpi.unit == "£":
        return f"£{value:,.0f}"
    if kpi.unit == "kg CO2e":
        return f"{value:,.0f} kg CO2e"
    if kpi.unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def change_text(kpi: Kpi, value: float | None, before: float | None) -> str | None:
    """"+1.2" in the KPI's unit ("+1.2 points" for a %), None when either figure is missing."""
    if value is None or before is None:
        return None
    difference = value - before
    if kpi.unit == "%":
        return f"{difference:+.1f} points"
    if kpi.unit == "£":
        return f"{'+' if difference >= 0 else '−'}£{abs(difference):,.0f}"
    if kpi.unit in ("count", "kg CO2e"):
        return f"{difference:+,.0f}"
    return f"{difference:+,.1f}"


def reading(tile: Tile) -> str:
    """One plain-English line: the figure, its change on a year ago, and whether that is real."""
    kpi = tile.kpi
    text = f"{kpi.label} {format_value(kpi, tile.value)}"
    if tile.value is None:
        return text
    if tile.last_year is not None:
        if tile.value > tile.last_year:
            direction = "up"
        elif tile.value < tile.last_year:
            direction = "down"
        else:
            direction = "unchanged"
        if direction == "unchanged":
            text += ", the same as a year ago"
        else:
            text += f", {direction} from {format_value(kpi, tile.last_year)} a year ago"
    return f"{text}: {variation_text(tile.spc)}"
