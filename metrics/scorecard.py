"""The monthly scorecard: each headline measure for a month with its target, RAG, changes, SPC
reading and a plain-English line. The dashboard and the printed one-pager both draw these tiles;
their words come from `metrics.wording`.

SPC reads each measure's whole series, from the first month it has a value to the month shown,
in periods (`metrics.spc`), with the change points analysts recorded; the tile shows the last
24 months of it.
"""

from dataclasses import dataclass

from metrics.compute import Query, Sources, compute
from metrics.registry import Kpi, headline_kpis
from metrics.spc import ChangePoint, SpcResult, change_positions, xmr
from metrics.targets import Rag
from metrics.wording import rag_shown, reading, why_they_differ
from transform.calendar import months_between, shift_month

HISTORY_MONTHS = 24
Row = tuple[float | None, float | None, float | None]  # numerator, denominator, value


@dataclass(frozen=True)
class Tile:
    kpi: Kpi
    month: str
    target: float | None
    tolerance: float | None
    months: list[str]  # from the first month with a value to `month`
    rows: dict[str, Row]  # month -> its figures
    spc: SpcResult  # over `months`

    def _figure(self, month: str, column: int) -> float | None:
        return self.rows.get(month, (None, None, None))[column]

    @property
    def value(self) -> float | None:
        return self._figure(self.month, 2)

    @property
    def last_month(self) -> float | None:
        return self._figure(shift_month(self.month, -1), 2)

    @property
    def last_year(self) -> float | None:
        return self._figure(shift_month(self.month, -12), 2)

    @property
    def history(self) -> list[tuple[str, float | None]]:
        """The last 24 months, oldest first (a month without a figure reads None)."""
        months = months_between(shift_month(self.month, -(HISTORY_MONTHS - 1)), self.month)
        return [(m, self._figure(m, 2)) for m in months]

    @property
    def trend(self) -> tuple[list[str], SpcResult]:
        """The SPC reading's last 24 months, for its chart."""
        return self.months[-HISTORY_MONTHS:], self.spc.tail(HISTORY_MONTHS)

    @property
    def rag(self) -> Rag | None:
        return rag_shown(self.kpi, self.value, self.target, self.tolerance)

    @property
    def sentence(self) -> str:
        return reading(self.kpi, self.value, self.last_year, self.spc)

    @property
    def note(self) -> str | None:
        """Why RAG and assurance disagree, where they do."""
        return why_they_differ(self.kpi, self.rag, self.spc)


def series_spc(kpi: Kpi, months: list[str], values: list[float | None], target: float | None,
               change_points: tuple[ChangePoint, ...]) -> SpcResult:
    """The SPC reading of one measure's monthly values, with the change points recorded for it
    (or for all) among `months`."""
    return xmr(values, kpi.better, target, change_positions(change_points, kpi.id, months))


def scorecard(sources: Sources, month: str, targets: dict[str, tuple[float, float]],
              filters: dict[str, tuple[str, ...]] | None = None) -> list[Tile]:
    """Tiles for every headline measure in display order, for `month`; each measure worded
    with the warehouse's service standards."""
    shown = headline_kpis()
    frame = compute(sources, Query(last_month=month, filters=filters or {},
                                   kpis=tuple(k.id for k in shown)))
    # One pass over the frame in Python: a filter per measure costs more than its few rows.
    series: dict[str, dict[str, Row]] = {}
    for kpi_id, row_month, *figures in frame.sort("month").select(
            "kpi", "month", "numerator", "denominator", "value").iter_rows():
        series.setdefault(kpi_id, {})[row_month] = tuple(figures)
    tiles = []
    for kpi in (k.worded(sources.standards) for k in shown):
        by_month = series.get(kpi.id)
        if not by_month:
            continue
        first = next((m for m, row in by_month.items() if row[2] is not None), next(iter(by_month)))
        months = months_between(first, month)
        target, tolerance = targets.get(kpi.id, (None, None))
        target = target if kpi.better else None
        values = [by_month.get(m, (None, None, None))[2] for m in months]
        tiles.append(Tile(kpi, month, target, tolerance, months, by_month,
                          series_spc(kpi, months, values, target, sources.change_points)))
    return tiles
