"""Secondary suppression in the committee pack: on a warehouse full of small monthly counts,
no month shown as "<5" (or a rate not shown) in the pack can be worked out as the half's total
less the other months shown, nor a stage as complaints less the other stage; the figures the
adversary reads are the pack's own tables, and each is checked against the PDF (pdftotext)."""

import subprocess
from datetime import date

import pytest

from data.warehouse import get_engine
from metrics.reads import read_targets, sources_from_warehouse
from metrics.registry import HEADLINE_ONLY, REGISTRY
from pipelines.ingest import ingest_file
from reports.documents import content
from reports.documents.halves import half_months, month_name, shift_half
from reports.documents.model import Table
from reports.documents.papers import _reference, pack_bytes
from tests.metrics.builders import (
    complaint,
    complaints,
    contact,
    contacts,
    response,
    responses,
    utc,
    write_csv,
)

pytestmark = pytest.mark.filterwarnings("ignore:.*PSEUDONYM_KEY is not set")
HALF = "2025-H1"
# Each month of 2024-H2 and 2025-H1: contacts, of them safeguarding, survey responses, and
# stage 1 complaints. One month of each is small, the others not.
MONTHS = half_months(shift_half(HALF, -1)) + half_months(HALF)
CONTACTS = [40, 35, 50, 45, 38, 42, 30, 3, 28, 33, 36, 41]
SAFEGUARDING = [6, 7, 9, 8, 10, 6, 6, 7, 3, 9, 8, 10]
RESPONSES = [12, 9, 14, 11, 10, 13, 2, 8, 9, 7, 6, 12]
STAGE_1 = [5, 6, 7, 8, 6, 9, 5, 6, 2, 7, 8, 9]


def _load(folder) -> str:
    url = f"sqlite:///{folder / 'small.db'}"
    engine = get_engine(url)
    rows, answers, cases = [], [], []
    for m, month in enumerate(MONTHS):
        year, number = int(month[:4]), int(month[5:])
        rows += [contact(utc(year, number, 1 + i % 27, 10), ("phone", "web")[i % 2],
                         customer_ref=f"CUST-{m:02d}{i:05d}", safeguarding=i < SAFEGUARDING[m],
                         demand_type=("value", "failure")[i % 3 == 0])
                 for i in range(CONTACTS[m])]
        answers += [response(utc(year, number, 1 + i % 27, 12), csat=1 + i % 5)
                    for i in range(RESPONSES[m])]
        cases += [complaint(date(year, number, 1 + i), 1,
                            responded_on=date(year, number, 2 + i)) for i in range(STAGE_1[m])]
    for feed, frame in (("contacts", contacts(*rows)), ("satisfaction", responses(*answers)),
                        ("complaints", complaints(*cases))):
        result = ingest_file(engine, feed, write_csv(frame, folder / f"{feed}.csv"))
        assert result.status == "loaded", result
    return url


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    engine = get_engine(_load(tmp_path_factory.mktemp("small")))
    document = content.pack(sources_from_warehouse(engine), HALF, read_targets(engine),
                            _reference(engine))
    pdf = subprocess.run(["pdftotext", "-", "-"], input=pack_bytes(engine, HALF, "pdf"),
                         capture_output=True, check=True).stdout.decode()
    return document, " ".join(pdf.split())


def _tables(document) -> dict[str, Table]:
    return {block.caption: block for section in document.sections for block in section.blocks
            if isinstance(block, Table)} | {
        chart.table.caption: chart.table for chart in document.charts()}


def _number(text: str) -> float | None:
    """A figure as printed, or None when it is withheld ("<5", "not shown")."""
    try:
        return float(text.replace(",", "").removesuffix(" %"))
    except ValueError:
        return None


def test_no_withheld_month_is_the_half_less_the_others(pack):
    document, pdf = pack
    tables = _tables(document)
    summary = {row[0]: row for row in tables[next(c for c in tables
                                                 if c.startswith("Headline measures"))].rows}
    withheld = 0
    for kpi in (*REGISTRY.values(), *HEADLINE_ONLY.values()):
        caption = f"{kpi.label} by month (the data of the chart above)"
        if kpi.unit != "count" or caption not in tables or kpi.label not in summary:
            continue
        months = {row[0]: row[1] for row in tables[caption].rows}
        for half, column in ((HALF, 1), (shift_half(HALF, -1), 2)):
            shown = [months[month_name(m)] for m in half_months(half)]
            total = _number(summary[kpi.label][column])
            hidden = [s for s in shown if _number(s) is None]
            withheld += len(hidden)
            # The total less the months shown is the one hidden month: never.
            assert not (total is not None and len(hidden) == 1), (kpi.id, half, shown, total)
            # And with every month shown, the total is never the one withheld.
            assert not (total is None and not hidden), (kpi.id, half, shown)
            for month, text in zip(half_months(half), shown):  # as the PDF prints them
                assert f"{month_name(month)} {text}" in pdf, (kpi.id, month, text)
    assert withheld >= 8  # contacts, safeguarding, responses and stage 1 each hid two months


def test_no_month_of_a_rate_is_shown_beside_a_withheld_count(pack):
    document, _ = pack
    tables = _tables(document)
    stage1 = {row[0]: row[1] for row in tables[
        f"{HEADLINE_ONLY['stage1_complaints_received'].label} by month (the data of the chart "
        f"above)"].rows}
    on_time = {row[0]: row for row in tables[
        f"{REGISTRY['stage1_on_time_pct'].label} by month (the data of the chart above)"].rows}
    for month, count in stage1.items():
        if _number(count) is None and month in on_time:
            # Its replies on time ÷ replies: nothing beside a hidden count gives it back.
            assert _number(on_time[month][1]) is None, (month, on_time[month])

