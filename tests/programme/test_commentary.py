"""Officers' commentary through `data.edits` on both warehouses: written by the KPI's owner,
approved by a second person (never the author), who and when recorded; only approved words
reach the exception list."""

from datetime import UTC, datetime

import pytest

from data.edits import approve_commentary, set_kpi_owner, write_commentary
from metrics.reads import exceptions_from_warehouse, kpi_owners, read_commentary
from pipelines.ingest import ingest_file
from tests.pipelines.helpers import rows
from tests.programme.sheets import RISK_HEADER, csv_file

OWNER = "ann.owner@council.example"
CHECKER = "bob.checker@council.example"
NOON = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)


def test_a_kpi_s_owner_writes_and_a_second_person_approves(engine):
    set_kpi_owner(engine, "failure_demand_pct", OWNER, by="analyst@council.example")
    assert kpi_owners(engine) == {"failure_demand_pct": OWNER}
    with pytest.raises(ValueError, match="only the owner of failure_demand_pct"):
        write_commentary(engine, "kpi", "failure_demand_pct", "2026-03", "Words", by=CHECKER)
    with pytest.raises(ValueError, match="digital_pct has no owner recorded"):
        write_commentary(engine, "kpi", "digital_pct", "2026-03", "Words", by=OWNER)
    with pytest.raises(ValueError, match="period: a month YYYY-MM or a half"):
        write_commentary(engine, "kpi", "failure_demand_pct", "2026-H3", "Words", by=OWNER)
    draft = write_commentary(engine, "kpi", "failure_demand_pct", "2026-03",
                             "Bin collections missed after the depot move; rounds redrawn.",
                             by=OWNER, now=NOON)
    with pytest.raises(ValueError, match="the author cannot approve their own commentary"):
        approve_commentary(engine, draft, by=OWNER)
    assert rows(engine, "ref_commentary")[0]["status"] == "draft"
    approve_commentary(engine, draft, by=CHECKER, now=NOON.replace(hour=15))
    stored = rows(engine, "ref_commentary")[0]
    assert (stored["written_by"], stored["written_at"], stored["status"], stored["approved_by"],
            stored["approved_at"]) == (OWNER, NOON, "approved", CHECKER, NOON.replace(hour=15))
    with pytest.raises(ValueError, match="no draft"):
        approve_commentary(engine, draft, by=CHECKER)


def test_only_approved_commentary_reaches_the_exception_list(engine, tmp_path):
    ingest_file(engine, "risks", csv_file(tmp_path / "risks.csv", RISK_HEADER, [
        ["R1", "Supplier fails", "Head of Digital", None, None, 5, 4, None, None, None, None,
         None]]))
    first = write_commentary(engine, "risk", "R1", "2026-03", "Second supplier lined up.",
                             by=OWNER)

    def listed() -> list[tuple[str, str | None]]:
        return [(i.id, i.commentary) for i in exceptions_from_warehouse(engine, "2026-03")]

    assert listed() == [("R1", None)]  # a draft is never shown
    approve_commentary(engine, first, by=CHECKER)
    assert listed() == [("R1", "Second supplier lined up.")]
    write_commentary(engine, "risk", "R1", "2026-03", "A newer draft.", by=OWNER)
    assert listed() == [("R1", "Second supplier lined up.")]  # until it is approved
    # Commentary belongs to its period.
    assert [(i.id, i.commentary) for i in exceptions_from_warehouse(engine, "2026-H1")] == [
        ("R1", None)]
    assert read_commentary(engine, "2026-03").height == 2
