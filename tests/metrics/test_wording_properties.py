"""Property tests of the words on every scorecard tile: every measure in every month, on a
hand-built warehouse whose series are flat, rising, falling, zero and missing, and on the whole
demo council. Each check reads the texts a person sees (`tests.wording_checks`)."""

import re

import pytest

from data.reference import KPI_TARGETS
from metrics.scorecard import Tile, scorecard
from metrics.targets import rag
from metrics.wording import change, format_value
from tests.metrics.builders import HAND_BUILT_MONTHS, hand_built
from tests.wording_checks import (
    FIGURE,
    SIZE,
    check_change,
    check_sentences,
    check_signed,
    check_spc,
    number,
)

ARROW = {"up": "↑", "down": "↓", "off": "→"}
READING = re.compile(
    rf"^(?P<label>.+?) (?P<now>{FIGURE})(?:, (?:(?P<dir>up|down) (?P<size>{SIZE}) from "
    rf"(?P<before>{FIGURE}) a year ago(?: \((?P<j>better|worse)\))?|no change from "
    rf"(?P<same>{FIGURE}) a year ago))?; (?P<spc>.+)\.$")


def check_tile(tile: Tile) -> None:
    kpi, where = tile.kpi, f"{tile.kpi.id} {tile.month}"
    value = format_value(kpi, tile.value)
    moved = change(kpi, tile.value, tile.last_month)
    if moved is not None:  # st.metric's delta, and the arrow Streamlit is told to draw
        check_signed(kpi, value, format_value(kpi, tile.last_month), ARROW[moved.metric_arrow],
                     moved.text, moved.judgement, f"{where} on last month")
        check_sentences(moved.text, where)
    if tile.value is None:
        assert tile.sentence == f"{kpi.label}: no data for this month.", where
        return
    found = READING.match(tile.sentence)
    assert found and found["label"] == kpi.label and found["now"] == value, (
        f"{where}: {tile.sentence!r}")
    if found["dir"]:
        check_change(kpi, value, found["before"], found["dir"], found["size"], found["j"],
                     f"{where} on a year ago")
    elif found["same"]:
        check_change(kpi, value, found["same"], "no change", None, None, where)
    assert bool(found["dir"] or found["same"]) == (
        tile.value is not None and tile.last_year is not None), where
    spc = found["spc"]
    assert (spc == "this month is within normal variation") == (
        tile.spc.variation == "common_cause"), f"{where}: {spc}"
    check_spc(kpi, spc, where)
    check_sentences(" ".join(filter(None, (tile.sentence, tile.note))), where)
    if tile.rag:  # judged on the value as printed, against the target
        assert tile.rag == rag(number(value), tile.target, kpi.better, tile.tolerance), where


def test_every_tile_of_a_hand_built_warehouse():
    sources = hand_built()
    seen = set()
    for month in HAND_BUILT_MONTHS[1:]:
        tiles = scorecard(sources, month, KPI_TARGETS)
        for tile in tiles:
            check_tile(tile)
            seen.add((tile.kpi.id, tile.value is None,
                      tile.spc.variation if tile.spc.variation else "none"))
    # The series cover what they were built for: missing months, and SPC's readings.
    assert ("right_first_time_pct", True, "common_cause") in seen or (
        "right_first_time_pct", True, "none") in seen
    assert {v for _, _, v in seen} >= {"none", "common_cause", "improvement"}
    assert ("contacts", True, "none") in seen  # the empty month, before 12 points


@pytest.mark.slow
def test_every_tile_of_every_month_of_the_demo(whole_demo):
    sources, targets, _ = whole_demo
    months = sorted(sources.parts.get_column("month").unique().to_list())
    tiles = 0
    for month in months:
        for tile in scorecard(sources, month, targets):
            check_tile(tile)
            tiles += 1
    assert len(months) >= 36 and tiles >= 26 * len(months)
