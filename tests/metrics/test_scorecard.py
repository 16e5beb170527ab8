"""The scorecard's tiles read each measure's whole series with SPC, in periods that start where
an analyst recorded a change; the tile shows the latest 24 months of it."""

from dataclasses import replace

from data.reference import KPI_TARGETS
from metrics.scorecard import HISTORY_MONTHS, scorecard
from metrics.spc import CHANGE_POINT, FIRST, ChangePoint
from tests.metrics.builders import HAND_BUILT_MONTHS, hand_built


def tile(sources, kpi_id: str, month: str = "2025-02"):
    return next(t for t in scorecard(sources, month, KPI_TARGETS) if t.kpi.id == kpi_id)


def test_a_recorded_change_starts_a_period_from_its_month():
    # Abandoned calls: 0 % every month (zero), 25 points from 2023-01 (2023-11 has none). The
    # change recorded for every KPI in 2024-02 is the 13th point, with 12 from it to 2025-02.
    recorded = tile(hand_built(), "abandoned_pct")
    assert [(recorded.months[p.start], p.why) for p in recorded.spc.periods] == [
        ("2023-01", FIRST), ("2024-02", CHANGE_POINT)]
    assert recorded.spc.periods[1].reason == "a recorded change"
    unrecorded = tile(replace(hand_built(), change_points=()), "abandoned_pct")
    assert [p.why for p in unrecorded.spc.periods] == [FIRST]
    # One recorded for another KPI leaves this one alone.
    other = tile(replace(hand_built(), change_points=(
        ChangePoint("2024-02", "new phones", "answered_in_60s_pct"),)), "abandoned_pct")
    assert [p.why for p in other.spc.periods] == [FIRST]


def test_a_tile_reads_the_whole_series_and_shows_24_months():
    found = tile(hand_built(), "contacts")
    assert found.months == HAND_BUILT_MONTHS  # from the first month with a figure
    months, spc = found.trend
    assert months == HAND_BUILT_MONTHS[-HISTORY_MONTHS:] and len(spc.values) == HISTORY_MONTHS
    assert [m for m, _ in found.history] == HAND_BUILT_MONTHS[-HISTORY_MONTHS:]
    assert dict(found.history)["2023-11"] is None  # the month without records
