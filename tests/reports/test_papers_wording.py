"""The words of the committee pack and the cabinet one-pager, read back from the PDF with
pdftotext, agree with the figures printed beside them (`tests.wording_checks`): on the whole
demo council and on a hand-built warehouse of flat, rising, falling, zero and missing series.
Also: the cover, the glossary, and each term explained where it is first used."""

import re
import subprocess

import pytest

from data.reference import KPI_TARGETS
from metrics.registry import HEADLINE_ONLY, headline_kpis
from metrics.targets import rag
from reports.documents import content
from reports.documents.narrative import GLOSSARY
from reports.documents.pdf import pdf_bytes
from tests.demo_sources import default_assumptions
from tests.metrics.builders import hand_built
from tests.wording_checks import (
    FIGURE,
    SIZE,
    check_change,
    check_no_minus_zero,
    check_sentences,
    check_signed,
    check_spc,
    number,
)
from transform.marts import Standards

CELL = rf"(?:{FIGURE}|<\d+|not shown|no data)"
SIGNED = rf"(?:—|→ no change|[↑↓] [+−]{SIZE})"
MEASURES = tuple(k.worded(Standards()) for k in headline_kpis())  # the default standards
LABELS = {k.label: k for k in MEASURES}


def _flat(data: bytes) -> str:
    """The PDF's text in the order it is drawn (`-raw`: the document's order, so a tile's lines
    and a table's cells follow each other), every run of white space one space."""
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()
    return " ".join(text.split())


def _reference(assumptions) -> content.Reference:
    return content.Reference(assumptions, {}, None)


@pytest.fixture(scope="module")
def demo_papers(whole_demo):
    sources, targets, assumptions = whole_demo
    pack = _flat(pdf_bytes(content.pack(sources, "2026-H1", targets, _reference(assumptions))))
    pagers = {month: _flat(pdf_bytes(content.one_pager(sources, month, targets,
                                                       _reference(assumptions))))
              for month in ("2024-06", "2026-10")}
    return targets, pack, pagers


@pytest.fixture(scope="module")
def hand_built_papers():
    sources, assumptions = hand_built(), default_assumptions()
    pack = _flat(pdf_bytes(content.pack(sources, "2024-H2", KPI_TARGETS,
                                        _reference(assumptions))))
    pagers = {month: _flat(pdf_bytes(content.one_pager(sources, month, KPI_TARGETS,
                                                       _reference(assumptions))))
              for month in ("2023-12", "2025-02")}
    return KPI_TARGETS, pack, pagers


def check_summary(text: str) -> int:
    """The summary table: each row's change is the difference of its two printed figures."""
    summary = text[text.index("Headline measures,"):]
    rows = 0
    for kpi in MEASURES:
        found = re.search(rf"{re.escape(kpi.label)} (?P<now>{CELL}) (?P<before>{CELL}) "
                          rf"(?P<change>{SIGNED})(?: \((?P<j>better|worse)\))? ", summary)
        assert found, f"no summary row for {kpi.label}"
        if found["change"] == "—":
            assert not re.fullmatch(FIGURE, found["now"]) or not re.fullmatch(
                FIGURE, found["before"]), f"{kpi.label}: no change printed between numbers"
            continue
        arrow, signed = found["change"].split(" ", 1)
        check_signed(kpi, found["now"], found["before"], arrow, signed, found["j"],
                     f"summary {kpi.label}")
        rows += 1
    return rows


SENTENCE = re.compile(
    rf"(?P<label>{'|'.join(re.escape(label) for label in LABELS)}) was (?P<now>{FIGURE}) in "
    rf"[A-Za-z]+ to [A-Za-z]+ \d{{4}}, (?:(?P<dir>up|down) (?P<size>{SIZE}) from "
    rf"(?P<before>{FIGURE}) in the previous six months(?: \((?P<j>better|worse)\))?|no change "
    rf"from (?P<same>{FIGURE}) in the previous six months)\. (?P<spc>On the monthly SPC chart, "
    rf"[^.]+\.|There are not yet 12 months of figures to read with SPC\.)")


def check_pack_sentences(text: str) -> set[str]:
    seen = set()
    for found in SENTENCE.finditer(text):
        kpi = LABELS[found["label"]]
        where = f"pack sentence {found.group()!r}"
        if found["dir"]:
            check_change(kpi, found["now"], found["before"], found["dir"], found["size"],
                         found["j"], where)
        else:
            check_change(kpi, found["now"], found["same"], "no change", None, None, where)
        check_spc(kpi, found["spc"], where)
        check_sentences(found.group(), where)
        seen.add(kpi.id)
    return seen


def check_one_pager(text: str, targets) -> int:
    """Each tile: the target verdict judged on the printed figure; last month and a year ago
    with the direction in symbol and words."""
    checked = 0
    for kpi in (k for k in MEASURES if f"{k.label} " in text):  # a measure without rows: no tile
        tile = re.search(
            rf"{re.escape(kpi.label)} (?P<now>{CELL}) (?P<target>.+?) Last month (?P<lm>.+?) "
            rf"A year ago (?P<ya>.+?) SPC: (?P<spc>[⬆⬇◆↔…] [^A-Z]+?)(?= [A-Z]|$)", text)
        assert tile, f"no tile for {kpi.label}"
        target = targets.get(kpi.id, (None, None))
        verdict = re.fullmatch(rf"(?P<icon>.) (?P<words>[A-Za-z ]+) · target (?P<t>{FIGURE})",
                               tile["target"])
        if verdict and re.fullmatch(FIGURE, tile["now"]):
            status = rag(number(tile["now"]), number(verdict["t"]), kpi.better, target[1])
            assert (status.icon, status.words) == (verdict["icon"], verdict["words"]), (
                f"one-pager {kpi.label}: {tile['target']} beside {tile['now']}")
        for when in ("lm", "ya"):
            line = re.fullmatch(
                rf"(?P<before>{CELL})(?: · (?P<arrow>[↑↓→]) (?:(?P<dir>up|down) "
                rf"(?P<size>{SIZE})(?: \((?P<j>better|worse)\))?|no change))?", tile[when])
            assert line, f"one-pager {kpi.label}: {tile[when]!r}"
            if line["arrow"]:
                direction = line["dir"] or "no change"
                assert {"↑": "up", "↓": "down", "→": "no change"}[line["arrow"]] == direction
                check_change(kpi, tile["now"], line["before"], direction, line["size"],
                             line["j"], f"one-pager {kpi.label} {when}")
                checked += 1
        check_sentences(tile.group(), f"one-pager {kpi.label}")
    themes = re.findall(r"[A-Z][a-z ,]+: (?:\d+ of \d+ measures with a target meet it|no "
                        r"measure has a target)[^.]*\.", text)
    assert len(themes) == 5, themes
    for sentence in themes:
        check_sentences(sentence, "one-pager theme")
    return checked


@pytest.mark.slow
def test_the_demo_papers_say_what_their_figures_say(demo_papers):
    targets, pack, pagers = demo_papers
    assert check_summary(pack) >= 20
    # Every measure published in both halves has its sentence, checked.
    assert check_pack_sentences(pack) >= {k.id for k in MEASURES} - {"stage2_on_time_pct"}
    check_no_minus_zero(pack, "pack")
    for month, text in pagers.items():
        assert check_one_pager(text, targets) >= (50 if month == "2026-10" else 25), month
        check_no_minus_zero(text, f"one-pager {month}")


def test_hand_built_papers_say_what_their_figures_say(hand_built_papers):
    targets, pack, pagers = hand_built_papers
    assert check_summary(pack) >= 10
    assert check_pack_sentences(pack)
    check_no_minus_zero(pack, "pack")
    for month, text in pagers.items():
        check_one_pager(text, targets)
        check_no_minus_zero(text, f"one-pager {month}")


def test_the_cover_says_figures_up_to_a_date_and_every_term_is_explained_at_first_use(
        hand_built_papers):
    _, pack, pagers = hand_built_papers
    cover = pack[:pack.index("Contents")]
    assert "Figures up to 28 February 2025, the date of the latest contact loaded." in cover
    assert "horizon" not in cover.lower()
    glossary = pack[pack.rindex("Glossary The terms this report uses"):]
    for term, meaning in GLOSSARY.items():
        assert f"{term[0].upper()}{term[1:]} {meaning}" in glossary, term
        if term == "<5":
            continue
        words = term.removesuffix(" (SPC)")
        # Where a term first appears after the contents list, its meaning follows it.
        first = pack.lower().index(words.lower(), pack.index("The headline measures for"))
        explained = pack[first:first + len(term) + len(meaning) + 6]
        assert meaning in explained, f"{term} first used without its meaning: {explained!r}"
    for kpi in HEADLINE_ONLY.values():
        assert kpi.label in pack
    # Money with its price base (every default unit cost is from a 2008 source), the saving
    # notional; one-pager tiles say so too.
    assert pack.count("These figures are at 2008 prices, the years of the unit costs' sources:"
                      ) == 2
    assert "The saving is notional: an avoided cost, not cash." in pack
    assert "At 2008 prices; notional: an avoided cost, not cash" in pagers["2025-02"]
