"""The programme in the papers, read back as a councillor reads them: the committee pack (PDF
with pdftotext, Word with python-docx) opens with the executive summary and its exception list,
then the programme; the cabinet one-pager lists the month's exceptions. The lists name exactly
what the data puts there, with approved commentary only."""

import io
import subprocess

import docx
from pypdf import PdfReader

from data.edits import approve_commentary, set_kpi_owner, write_commentary
from metrics.reads import exceptions_from_warehouse
from pipelines.ingest import ingest_file
from reports.documents.papers import one_pager_bytes, pack_bytes
from tests.metrics.builders import contact, contacts, utc, write_csv
from tests.programme.sheets import (
    BENEFIT_HEADER,
    MARCH_MILESTONES,
    MILESTONE_HEADER,
    RISK_HEADER,
    csv_file,
    xlsx_file,
)

OWNER, CHECKER = "ann.owner@council.example", "bob.checker@council.example"
DRAFT = "Draft words that no councillor may read yet."
APPROVED_RISK = "A second supplier is lined up for the spring."
APPROVED_KPI = "Missed bins after the depot move drove the calls; rounds are redrawn."


def _warehouse(engine, tmp_path) -> None:
    """Contacts of January to March 2026 (horizon 20 March), failure demand 40 % in March (red
    against 25 %), and a programme with items either side of every rule."""
    rows = [contact(utc(2026, m, 20, 9, i), channel="web", customer_ref=f"R{m}-{i}",
                    demand_type="failure" if i < (8 if m == 3 else 4) else "value",
                    responded_at=utc(2026, m, 20, 10, i))
            for m in (1, 2, 3) for i in range(20)]
    ingest_file(engine, "contacts", write_csv(contacts(*rows), tmp_path / "contacts.csv"))
    ingest_file(engine, "milestones", xlsx_file(tmp_path / "milestones.xlsx", MILESTONE_HEADER, [
        *MARCH_MILESTONES,
        ["M4", "Phones", "Old switch off", None, "2026-01-31", None, "2026-01-30", "complete",
         None]]))
    ingest_file(engine, "risks", csv_file(tmp_path / "risks.csv", RISK_HEADER, [
        ["R1", "Supplier fails", "Head of Digital", None, None, 5, 3, None, None, None,
         "2026-06-30", None],
        ["R2", "Skills gap", None, None, None, 4, 4, 2, 2, None, None, None]]))
    ingest_file(engine, "benefits", csv_file(tmp_path / "benefits.csv", BENEFIT_HEADER, [
        ["B1", m, "Less failure demand", "non_cashable", "lower", "%", "Head of CS",
         "failure_demand_pct", 30, None] for m in ("2026-01", "2026-02", "2026-03")] + [
        ["B2", "2026-03", "Printing saving", "cashable", None, "£", None, None, 1000, 950]]))
    set_kpi_owner(engine, "failure_demand_pct", OWNER, by="analyst@council.example")
    for period in ("2026-H1", "2026-03"):
        approve_commentary(engine, write_commentary(engine, "risk", "R1", period, APPROVED_RISK,
                                                    by=OWNER), by=CHECKER)
        approve_commentary(engine, write_commentary(
            engine, "kpi", "failure_demand_pct", period, APPROVED_KPI, by=OWNER), by=CHECKER)
        write_commentary(engine, "milestone", "M1", period, DRAFT, by=OWNER)


# (kind, title, why, owner, commentary) as the exception table prints them
EXPECTED = [
    ("Milestone", "Website live", "overdue: due before the report date and not complete",
     "Head of Digital", "no commentary yet"),
    ("Milestone", "New menus", "slipping: forecast after its baseline date", "ICT lead",
     "no commentary yet"),
    ("Risk", "Supplier fails", "above appetite: scores at least the council's risk appetite",
     "Head of Digital", APPROVED_RISK),
    ("Benefit", "Less failure demand", "above plan by more than the tolerance", "Head of CS",
     "no commentary yet"),
    ("Measure", "Failure demand", "red: misses its target by more than the amber tolerance",
     OWNER, APPROVED_KPI),
]


# the reason's words in the pack's table -> its code, as the one-pager prints it
REASONS = {row[2]: row[2].split(":")[0].replace(" by more than the tolerance", "")
           for row in EXPECTED}


def _flat(pdf: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return " ".join(text.split())


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start) + len(start):text.index(end, text.index(start))]


def test_the_pack_opens_with_exactly_the_half_s_exceptions(engine, tmp_path):
    _warehouse(engine, tmp_path)
    assert [(i.kind, i.id) for i in exceptions_from_warehouse(engine, "2026-H1")] == [
        ("milestone", "M1"), ("milestone", "M3"), ("risk", "R1"), ("benefit", "B1"),
        ("kpi", "failure_demand_pct")]
    text = _flat(pack_bytes(engine, "2026-H1", "pdf"))
    # The executive summary comes first, then the programme, then the measures.
    order = [text.index(t) for t in ("Executive summary What needs the committee's attention",
                                     "The programme Where the programme stands",
                                     "Summary The headline")]
    assert order == sorted(order)
    assert ("At the report date, 20 March 2026, 5 items need attention: 2 milestones, 1 risk, "
            "1 benefit and 1 measure.") in text
    table = _between(text, "Exceptions, January to June 2026", "Programme status")
    assert " ".join(" ".join(row) for row in EXPECTED) in " ".join(table.split()), table
    for absent in ("Forms moved", "Old switch off", "Skills gap", "Printing saving", DRAFT):
        assert absent not in table
    assert DRAFT not in text
    assert ("Of 4 milestones, 1 is complete and 0 cancelled; 1 slipping, 1 overdue and 1 on "
            "course.") in text
    assert ("Of 2 benefits with a plan in the period, 1 misses its plan by more than 10 % in "
            "its latest month and 0 have no actual yet.") in text
    assert "Of 2 open risks, 1 scores at least the risk appetite of 15; no risks closed." in text
    assert f"Officer's commentary ({OWNER}): {APPROVED_KPI}" in text
    # Benefits against plan: the actual of B1 is failure demand as the pack publishes it.
    assert "Less failure demand 2026-03 30 % 40.0 % lower is better above plan" in text
    word = docx.Document(io.BytesIO(pack_bytes(engine, "2026-H1", "docx")))
    table = next(t for t in word.tables if t.rows[0].cells[0].text == "Kind")
    assert [tuple(c.text for c in r.cells) for r in table.rows[1:]] == EXPECTED
    assert DRAFT not in "\n".join(p.text for p in word.paragraphs)


def test_the_one_pager_lists_the_month_s_exceptions_on_its_one_page(engine, tmp_path):
    _warehouse(engine, tmp_path)
    pdf = one_pager_bytes(engine, "2026-03")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = _flat(pdf)
    listed = text[text.index("Exceptions this month"):]
    assert ("At the report date, 20 March 2026, 5 items need attention: 2 milestones, 1 risk, "
            "1 benefit and 1 measure.") in listed
    lines = [f"{title} ({kind.lower()}): {REASONS[why]} · {owner} · {commentary}"
             for kind, title, why, owner, commentary in EXPECTED]
    assert [line in listed for line in lines] == [True] * 5, listed
    assert listed.count(" · ") == 2 * len(lines)  # those five, and nothing else
    assert DRAFT not in text
    # February ends before the data horizon: M1 (due 19 March) is not yet overdue, failure
    # demand (20 %) meets its target and B1's plan of 30 %, and B2 has no plan in February.
    february = _flat(one_pager_bytes(engine, "2026-02"))
    assert ("At the report date, 28 February 2026, 2 items need attention: 1 milestone and "
            "1 risk.") in february
