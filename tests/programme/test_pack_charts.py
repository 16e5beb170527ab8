"""The programme's charts in the committee pack, read back as a councillor reads them: the
milestones' timeline and each benefit's plan against its actual, each followed by its data
table (pdftotext) and carrying its text alternative (the PDF's /Alt, Word's descr), worded from
the very figures of that table; and the risk register's trend."""

import io
import subprocess

import docx

from data.edits import edit_programme_item
from metrics.reads import read_targets, sources_from_warehouse
from reports.documents import content
from reports.documents.papers import _reference, pack_bytes, programme_report
from tests.programme.test_papers import _between, _warehouse
from tests.reports.pdf_tags import alt_texts

HALF = "2026-H1"
TIMELINE_ALT = (
    "Timeline of 4 milestones from 31 January 2026 to 31 July 2026: a circle at each baseline "
    "date (first agreed) and a diamond at its forecast (now expected), with the report date, 20 "
    "March 2026, as a dashed line. 1 milestone forecast on another date than agreed: New menus, "
    "30 June 2026 to 31 July 2026. At the report date 1 complete, 0 cancelled, 1 slipping, 1 "
    "overdue and 1 on course. The table that follows gives every figure.")
# B1's actual is failure demand as published: 4 failure contacts of 20 in January and February
# (a count from 1 to 4: not shown), 8 of 20 in March (40.0 %), against a plan of 30 %.
FAILURE_ALT = (
    "Line chart of Less failure demand, each month's plan and actual from January 2026 to March "
    "2026 (each month on its own, not added up): the plan dashed with squares, the actual solid "
    "with circles. In March 2026 the actual was 40.0 % against a plan of 30 % (above plan). 1 of "
    "3 months misses the plan by more than 10 %; 2 without an actual shown. The table that "
    "follows gives every figure.")
PRINTING_ALT = (
    "Line chart of Printing saving, each month's plan and actual for March 2026 (each month on "
    "its own, not added up): the plan dashed with squares, the actual solid with circles. In "
    "March 2026 the actual was £950 against a plan of £1,000 (within tolerance). 0 of 1 month "
    "miss the plan by more than 10 %; 0 without an actual shown. The table that follows gives "
    "every figure.")
ALTS = [TIMELINE_ALT, FAILURE_ALT, PRINTING_ALT]


def _raw(pdf: bytes) -> str:
    """The text in the order it was written (each table row by row), on one line."""
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return " ".join(text.split())


def test_the_programme_s_charts_carry_their_tables_and_words(sqlite_engine, tmp_path):
    _warehouse(sqlite_engine, tmp_path)
    # Skills gap, after mitigation 2 × 2 = 4 as loaded, is re-scored 3 × 2 = 6 on the page.
    edit_programme_item(sqlite_engine, "risks", "R2", by="pat@council.example",
                        residual_likelihood=3, residual_impact=2)
    pdf = pack_bytes(sqlite_engine, HALF, "pdf")
    text = _raw(pdf)
    milestones = _between(text, "Milestones: baseline and forecast dates, January to June 2026 "
                                "(the data of the chart above) Workstream Milestone Owner "
                                "Baseline Forecast Completed Status At the report date Reason ",
                          " Benefits against plan")
    # Every milestone of the data, earliest baseline first, and nothing else.
    assert milestones == (
        "Phones Old switch off 31 January 2026 31 January 2026 30 January 2026 Complete "
        "complete "
        "Web Website live Head of Digital 19 March 2026 19 March 2026 On track overdue "
        "Web Forms moved 20 March 2026 20 March 2026 On track on course "
        "Phones New menus ICT lead 30 June 2026 31 July 2026 At risk slipping Supplier late")
    header = "Benefit Month Plan Actual Direction Against plan Actual from "
    failure = _between(text, "Less failure demand: plan and actual by month, January to June "
                             f"2026 (the data of the chart above) {header}", " Printing saving")
    assert failure.split(" Page ")[0] == (
        "Less failure demand 2026-01 30 % not shown lower is better within tolerance the measure "
        "failure demand Less failure demand 2026-02 30 % not shown lower is better within "
        "tolerance the measure failure demand Less failure demand 2026-03 30 % 40.0 % lower is "
        "better above plan the measure failure demand")
    printing = _between(text, "Printing saving: plan and actual by month, January to June 2026 "
                              f"(the data of the chart above) {header}", " Risks ")
    assert printing.split(" Page ")[0] == (
        "Printing saving 2026-03 £1,000 £950 higher is better within tolerance typed in")
    # The register: the current score against the one recorded before it, and the trend.
    assert ("Supplier fails Head of Digital 5 × 3 = 15 not assessed 15 none recorded new "
            "30 June 2026 open at or above appetite") in text
    assert "Skills gap 4 × 4 = 16 3 × 2 = 6 6 4 rising ▲ open below appetite" in text

    alts = alt_texts(pdf)
    assert [a for a in alts if a in ALTS] == ALTS
    word = docx.Document(io.BytesIO(pack_bytes(sqlite_engine, HALF, "docx")))
    descriptions = [s._inline.docPr.get("descr") for s in word.inline_shapes]
    assert [d for d in descriptions if d in ALTS] == ALTS
    # As many data tables as charts, in both formats.
    assert len(alts) == len(descriptions) == text.count("(the data of the chart above)")


def test_a_benefit_s_chart_draws_only_the_published_actuals(sqlite_engine, tmp_path):
    _warehouse(sqlite_engine, tmp_path)
    sources = sources_from_warehouse(sqlite_engine)
    document = content.pack(sources, HALF, read_targets(sqlite_engine),
                            _reference(sqlite_engine),
                            programme_report(sqlite_engine, HALF, sources))
    chart = next(c for c in document.charts() if c.title.startswith("Less failure demand"))
    kinds = [s.kind for s in chart.drawing.shapes]
    # Three plan squares and one actual circle (March: January and February are withheld),
    # each besides its legend's sample.
    assert (kinds.count("rect"), kinds.count("circle")) == (3 + 1, 1 + 1)
    timeline = next(c for c in document.charts() if c.title.startswith("Milestones"))
    labels = [s.text for s in timeline.drawing.shapes if s.kind == "text"]
    assert [t for t in labels if t in ("Old switch off", "Website live", "Forms moved",
                                       "New menus")] == ["Old switch off", "Website live",
                                                         "Forms moved", "New menus"]
    assert "Report date, 20 March 2026" in labels
