"""SPC charts on the dashboard (plotly) and in the papers (drawn shapes): each period's limits,
clipped to what the measure can take, special causes marked by shape, and axes that show a
change. Hand-built series whose limits are worked out in the comments."""

import polars as pl
import pytest

import metrics.kpis  # noqa: F401  (registers every KPI)
from metrics.registry import REGISTRY
from metrics.spc import xmr
from reports.charts.base import spc_alt, spc_chart, spc_table
from reports.documents.drawing import MARKS, Limits, axis, bar_or_line_chart

MONTHS = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2025-{m:02d}" for m in range(1, 13)]
# 12 months at 88/90 (mean 89, moving ranges 2: limits 89 ± 5.32), then 12 at 97/99, all above
# 89: a shift from 2025-01 with 12 months, so a period of its own: mean 98, limits 98 ± 5.32 =
# 92.68 to 103.32, drawn and said clipped to 100 for a percentage.
STEP = [88.0, 90.0] * 6 + [97.0, 99.0] * 6
CSAT = REGISTRY["csat_pct"]


def test_the_dashboard_chart_steps_its_limits_at_a_new_period_clipped_to_100():
    spc = xmr(STEP, "higher")
    figure = spc_chart(CSAT, MONTHS, spc, target=95)
    lines = {trace.name: list(trace.y) for trace in figure.data}
    assert lines["Centre line"] == [89.0] * 12 + [98.0] * 12
    assert lines["Upper process limit"] == pytest.approx([94.32] * 12 + [100.0] * 12)
    assert lines["Lower process limit"] == pytest.approx([83.68] * 12 + [92.68] * 12)
    assert [shape.x0 for shape in figure.layout.shapes] == ["2025-01"]
    assert [(a.x, a.text) for a in figure.layout.annotations] == [("2025-01", "New period")]
    # Read against their own periods, no month is a special cause.
    assert not [t for t in figure.data if t.name and "special cause" in t.name]


def test_special_causes_are_marked_by_shape_and_listed_in_the_table_and_alt_text():
    # 12 months at 88/90, then 96 and 97: beyond the upper limit 94.32 (and too few to start
    # a period of their own).
    spc = xmr([88.0, 90.0] * 6 + [96.0, 97.0], "higher")
    months = MONTHS[:14]
    figure = spc_chart(CSAT, months, spc)
    marked = next(t for t in figure.data if t.name == "Improvement (special cause)")
    assert (list(marked.x), marked.marker.symbol) == (["2025-01", "2025-02"], "triangle-up")
    table = spc_table(CSAT, months, spc)
    assert table.filter(pl.col("signal") != "common cause").select("month", "signal").rows() == [
        ("2025-01", "Improvement (special cause)"), ("2025-02", "Improvement (special cause)")]
    assert table.get_column("period from").unique().to_list() == ["2024-01"]
    assert spc_alt(CSAT, months, spc) == (
        "Satisfied residents from 2024-01 to 2025-02: lowest 88.0 % in 2024-01, highest "
        "97.0 % in 2025-02, latest 97.0 %. SPC periods: from 2024-01, centre 89.0 % and process "
        "limits 83.7 % to 94.3 %. 2 special-cause months: improvement in 2025-01 and 2025-02. "
        "The latest month, 2025-02, is higher than normal variation explains: an improvement.")


def test_the_alt_text_says_why_a_period_starts():
    alt = spc_alt(CSAT, MONTHS, xmr(STEP, "higher"))
    assert ("SPC periods: from 2024-01, centre 89.0 % and process limits 83.7 % to 94.3 %; from "
            "2025-01, after 7 or more months in a row above the previous centre line, centre "
            "98.0 % and process limits 92.7 % to 100.0 %. No special-cause months.") in alt
    # The last 18 months only: the first period began before them.
    alt = spc_alt(CSAT, MONTHS[6:], xmr(STEP, "higher").tail(18))
    assert "SPC periods: from before 2024-07, centre 89.0 %" in alt


def test_a_line_chart_axis_shows_a_fall_and_never_passes_what_a_measure_can_take():
    # A fall from 34.5 % to 25.1 %: a tenth of the 9.4 range spare either side (24.16 to
    # 35.44), a fifth of that (2.26) rounded up to a tick of 2.5: 22.5 to 37.5, not 0 to 100.
    assert axis([34.5, 25.1], bars=False, bounds=(0.0, 100.0)) == [
        22.5, 25, 27.5, 30, 32.5, 35, 37.5]
    # A limit at 100 %: the tenth to spare would pass 100 (100.3), so the axis stops at 100.
    assert axis([97.0, 99.0, 100.0], bars=False, bounds=(0.0, 100.0))[-1] == 100
    # Bars start at 0.
    assert axis([350.0, 410.0], bars=True, bounds=(0.0, None))[0] == 0


def test_the_papers_chart_draws_periods_and_marks_special_causes():
    drawing = bar_or_line_chart(
        ["a", "b", "c", "d"], [90.0, 99.0, 97.0, 60.0], "%", False, target=95,
        limits=[Limits(0, 1, 89.0, 83.68, 94.32), Limits(2, 3, 98.0, 92.68, 100.0)],
        marks=[None, "improvement", None, "concern"], bounds=(0.0, 100.0))
    marks = [s for s in drawing.shapes if s.kind == "polygon"]
    # One marked point each (and one legend sample each): up for improvement, down for concern.
    assert [s.colour for s in marks] == [MARKS["improvement"][1], MARKS["concern"][1]] * 2
    up, down = marks[0].points, marks[1].points
    assert up[1] < up[3] and down[1] > down[3]  # apex above the base, and below it
    texts = [s.text for s in drawing.shapes if s.kind == "text"]
    assert "New period" in texts
    assert {"Improvement (special cause)", "Concern (special cause)"} <= set(texts)
    ticks = [float(t.replace(",", "")) for t in texts if t.replace(".", "").isdigit()]
    assert max(ticks) == 100 and min(ticks) >= 0  # never 117 %, nor below 0
