"""What we changed, in the committee pack: each action read back from the PDF (pdftotext) and
the Word document with its measure before and after, as counted by hand, and a measure on
too few complaints withheld as every published rate is."""

import io
from datetime import UTC, date, datetime

import docx
import pytest

from data.edits import record_actions
from data.warehouse import get_engine
from pipelines.ingest import ingest_file
from reports.documents.papers import pack_bytes
from tests.metrics.builders import complaint, complaints, contact, contacts, utc, write_csv
from tests.reports.test_documents import _flat

HALF = "2025-H1"
HEADER = ["Date", "Theme", "Service", "What changed", "Changed by", "Measure", "Before",
          "After"]


def _decided(month: int, upheld: int, not_upheld: int, theme: str) -> list[dict]:
    """Stage-1 complaints about `theme` replied to in 2025's `month`: so many upheld, so many
    not."""
    outcomes = ["upheld"] * upheld + ["not_upheld"] * not_upheld
    return [complaint(date(2025, month, 1 + i), 1, responded_on=date(2025, month, 2 + i),
                      outcome=outcome, category=theme) for i, outcome in enumerate(outcomes)]


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """Waste, 2025-H1: missed bins upheld 7 of 12 in February, 5 of 12 in May; late bills upheld
    2 of 3 in May. Actions on missed bins (April) and late bills (March), both on upheld_pct."""
    folder = tmp_path_factory.mktemp("pack-actions")
    engine = get_engine(f"sqlite:///{folder / 'warehouse.db'}")
    ingest_file(engine, "contacts", write_csv(contacts(*(
        contact(utc(2025, m, 10, 9, 0), "web", customer_ref=f"CUST-{m:07d}")
        for m in range(1, 7))), folder / "contacts.csv"))
    rows = complaints(*_decided(2, 7, 5, "Missed bins"), *_decided(5, 5, 7, "Missed bins"),
                      *_decided(5, 2, 1, "Late bill"))
    ingest_file(engine, "complaints", write_csv(rows, folder / "complaints.csv"))
    base = {"service": "Waste", "changed_by": "Head of Waste", "kpi": "upheld_pct"}
    record_actions(engine, [
        {**base, "complaint_theme": "Missed bins", "changed_on": date(2025, 4, 7),
         "what_changed": "Crews photograph bins left"},
        {**base, "complaint_theme": "Late bill", "changed_on": date(2025, 3, 3),
         "what_changed": "Bills checked before they go"},
        {**base, "complaint_theme": "Missed bins", "changed_on": date(2025, 7, 1),
         "what_changed": "After the half"}],
        by="lead@example.com", now=datetime(2025, 8, 1, tzinfo=UTC))
    return pack_bytes(engine, HALF, "pdf"), docx.Document(io.BytesIO(pack_bytes(engine, HALF,
                                                                                "docx")))


def test_the_pack_lists_each_action_with_its_measure_before_and_after(pack):
    pdf, word = pack
    table = next(t for t in word.tables if [c.text for c in t.rows[0].cells] == HEADER)
    shown = [[c.text for c in row.cells] for row in table.rows[1:]]
    # Before: the 6 months before the action's month; after: its month to June 2025.
    assert shown == [
        ["2025-03-03", "Late bill", "Waste", "Bills checked before they go", "Head of Waste",
         "Complaints upheld", "no data (2024-09 to 2025-02)", "not shown (2025-03 to 2025-06)"],
        ["2025-04-07", "Missed bins", "Waste", "Crews photograph bins left", "Head of Waste",
         "Complaints upheld", "58.3 % (2024-10 to 2025-03)", "41.7 % (2025-04 to 2025-06)"]]
    text = _flat(pdf)
    assert "What we changed" in text
    assert "Crews photograph bins left" in text and "58.3 %" in text and "41.7 %" in text
    assert "Bills checked before they go" in text
    assert "After the half" not in text
    # Late bills' 2 of 3 upheld is withheld: 66.7 % would give the counts away.
    assert "66.7" not in text
