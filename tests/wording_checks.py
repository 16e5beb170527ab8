"""Checks that words agree with the figures printed beside them, read from the text alone.

Shared by the property tests of the dashboard's tiles (`metrics.scorecard`) and of the papers
read back with pdftotext: every check parses what a reader sees, never the objects behind it.

- a change's size equals the difference of the two printed figures;
- the arrow and the direction word agree with that difference (↑ up, ↓ down, → no change);
- "better"/"worse" agrees with the measure's polarity, and is absent without one or a change;
- "improvement"/"concern" agrees with the polarity and the side SPC names (higher, rises...);
- no sentence says both "meets" and "misses"; no figure or change prints as minus zero.
"""

import re

import pytest

from metrics.registry import Kpi

NUMBER = r"[−-]?£?\d[\d,]*(?:\.\d+)?"
FIGURE = rf"{NUMBER}(?: %| kg CO2e)?"
SIZE = rf"{NUMBER}(?: percentage points| points| kg)?"
ARROWS = {"↑": "up", "↓": "down", "→": "no change"}
SPC_SIDE = re.compile(r"(?:is (higher|lower) than normal variation explains|continues a run of "
                      r"7 or more (rises|falls)): (an improvement|a concern|a real change, "
                      r"neither better nor worse)")
MINUS_ZERO = re.compile(r"[−-]£?0(?:\.0+)?(?![\d.,])")


def number(text: str) -> float:
    """A printed figure or change as a number: "−£1,448" -> -1448, "5.5 points" -> 5.5."""
    found = re.search(NUMBER, text)
    assert found, f"no number in {text!r}"
    return float(found.group().replace("−", "-").replace("£", "").replace(",", ""))


def expected_judgement(kpi: Kpi, difference: float) -> str | None:
    if kpi.better is None or difference == 0:
        return None
    return "better" if (difference > 0) == (kpi.better == "higher") else "worse"


def check_change(kpi: Kpi, now: str, before: str, direction: str, size: str | None,
                 judgement: str | None, where: str) -> None:
    """A change worded as `direction` ("up", "down", "no change") by `size`, between the printed
    figures `before` and `now`."""
    difference = round(number(now) - number(before), 6)
    if direction == "no change":
        assert difference == 0, f"{where}: 'no change' between {before} and {now}"
    else:
        assert direction == ("up" if difference > 0 else "down"), (
            f"{where}: '{direction}' from {before} to {now}")
        assert number(size) == pytest.approx(abs(difference)), (
            f"{where}: a change of {size} between {before} and {now}")
    assert judgement == expected_judgement(kpi, difference), (
        f"{where}: ({judgement}) for {direction} when {kpi.better or 'neither'} is better")


def check_signed(kpi: Kpi, now: str, before: str, arrow: str, signed: str,
                 judgement: str | None, where: str) -> None:
    """A change printed with its arrow and sign ("↓ −5.5 points (better)", "→ no change")."""
    direction = ARROWS[arrow]
    if signed == "no change":
        assert direction == "no change", f"{where}: {arrow} beside 'no change'"
        check_change(kpi, now, before, direction, None, judgement, where)
        return
    assert number(signed) != 0, f"{where}: a change of zero printed as {signed}"
    assert direction == ("up" if number(signed) > 0 else "down"), (
        f"{where}: {arrow} beside {signed}")
    check_change(kpi, now, before, direction, signed.lstrip("+−"), judgement, where)


def check_spc(kpi: Kpi, text: str, where: str) -> None:
    """Every "improvement"/"concern" in `text` agrees with the side named and the polarity."""
    for high, rises, verdict in SPC_SIDE.findall(text):
        up = high == "higher" or rises == "rises"
        if kpi.better is None:
            assert verdict.startswith("a real change"), f"{where}: {verdict} without a polarity"
        else:
            good = up == (kpi.better == "higher")
            assert verdict == ("an improvement" if good else "a concern"), (
                f"{where}: {verdict} for {'higher' if up else 'lower'} when {kpi.better} is "
                f"better")


def check_sentences(text: str, where: str) -> None:
    """Prose (never a table, whose rows are many claims): no sentence meets and misses."""
    for sentence in re.split(r"(?<=[.;])\s", text):
        low = sentence.lower()
        assert not ("meets" in low and "misses" in low), f"{where}: {sentence!r}"
    check_no_minus_zero(text, where)


def check_no_minus_zero(text: str, where: str) -> None:
    found = MINUS_ZERO.search(text)
    assert not found, f"{where}: minus zero in {text[max(found.start() - 60, 0):found.end()]!r}"
