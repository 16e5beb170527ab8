"""Staff edits of the programme through `data.edits`, on both warehouses: every changed field
recorded with who and when, checked as the feed checks it, and the latest write winning whether
it is a file or an edit."""

from datetime import UTC, date, datetime

import pytest

from data.edits import benefit_key, edit_programme_item, read_programme_changes
from metrics.reads import warehouse_versions
from pipelines.ingest import ingest_file
from tests.pipelines.helpers import rows
from tests.programme.sheets import (
    BENEFIT_HEADER,
    MILESTONE_HEADER,
    RISK_HEADER,
    csv_file,
)

WHO = "pat.analyst@council.example"
WHEN = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
RISK = ["R1", "Supplier fails", "Head of Digital", None, None, 4, 5, None, None, None, None,
        None]


def _risk(engine) -> dict:
    return next(r for r in rows(engine, "fct_risks") if r["risk_id"] == "R1")


def test_an_edit_is_recorded_and_the_latest_write_wins(engine, tmp_path):
    ingest_file(engine, "risks", csv_file(tmp_path / "risks-1.csv", RISK_HEADER, [RISK]))
    before = warehouse_versions(engine).get("risks", 0)
    changed = edit_programme_item(engine, "risks", "R1", by=WHO, now=WHEN,
                                  residual_likelihood=2, residual_impact=3.0,
                                  review_on=date(2026, 6, 30), owner="Head of Digital")
    assert changed == ["residual_likelihood", "residual_impact", "review_on"]
    stored = _risk(engine)
    assert (stored["residual_likelihood"], stored["residual_impact"], stored["review_on"],
            stored["edited_by"], stored["edited_at"]) == (2, 3, date(2026, 6, 30), WHO, WHEN)
    history = read_programme_changes(engine).sort("change_id")
    assert history.select("feed", "item_key", "field", "old_value", "new_value",
                          "changed_by").rows() == [
        ("risks", "R1", "residual_likelihood", "(none)", "2", WHO),
        ("risks", "R1", "residual_impact", "(none)", "3", WHO),
        ("risks", "R1", "review_on", "(none)", "2026-06-30", WHO)]
    assert warehouse_versions(engine)["risks"] > before
    # A later file rewrites the row: the file wins, and the row no longer names an editor.
    closed = [*RISK[:11], "closed"]
    ingest_file(engine, "risks", csv_file(tmp_path / "risks-2.csv", RISK_HEADER, [closed]))
    stored = _risk(engine)
    assert (stored["status"], stored["residual_likelihood"], stored["edited_by"]) == (
        "closed", None, None)
    # And an edit after it wins again.
    assert edit_programme_item(engine, "risks", "R1", by=WHO, status="Open") == ["status"]
    assert _risk(engine)["status"] == "open"


def test_edits_are_checked_as_the_feed_checks_them(engine, tmp_path):
    ingest_file(engine, "milestones", csv_file(tmp_path / "m.csv", MILESTONE_HEADER, [
        ["M1", "Web", "Website live", None, "2026-03-31", None, None, None, None]]))
    ingest_file(engine, "benefits", csv_file(tmp_path / "b.csv", BENEFIT_HEADER, [
        ["B1", "2026-03", "Less failure", "non_cashable", "lower", "%", None,
         "failure_demand_pct", 30, None],
        ["B2", "2026-03", "Saving", "cashable", None, "£", None, None, 1000, None]]))
    ingest_file(engine, "risks", csv_file(tmp_path / "r.csv", RISK_HEADER, [RISK]))
    cases = [
        ("milestones", "M1", {"status": "complete"}, "completed_on: a complete milestone"),
        ("milestones", "M1", {"status": "late"}, "status: not one of not_started"),
        ("milestones", "M1", {"forecast_due_on": "2026-05-01"}, "forecast_due_on: must be a"),
        ("milestones", "M9", {"status": "on_track"}, "milestone_id: no milestone 'M9'"),
        ("milestones", "M1", {"title": "New"}, "title: not a field staff edit here"),
        ("risks", "R1", {"residual_impact": 6}, "residual_impact: must be a whole number"),
        ("risks", "R1", {"likelihood": None}, "likelihood: a value is required"),
        ("benefits", benefit_key("B1", "2026-03"), {"actual": 28.0},
         "actual: comes from the measure failure_demand_pct"),
    ]
    for feed, key, values, message in cases:
        with pytest.raises(ValueError, match=message):
            edit_programme_item(engine, feed, key, by=WHO, **values)
    with pytest.raises(ValueError, match="by: who made the change is required"):
        edit_programme_item(engine, "risks", "R1", by=" ", status="closed")
    assert read_programme_changes(engine).height == 0
    edit_programme_item(engine, "milestones", "M1", by=WHO, status="complete",
                        completed_on=date(2026, 3, 30))
    edit_programme_item(engine, "benefits", benefit_key("B2", "2026-03"), by=WHO, actual=940)
    assert next(r for r in rows(engine, "fct_benefits") if r["benefit_id"] == "B2")[
        "actual"] == 940.0
    assert rows(engine, "fct_milestones")[0]["status"] == "complete"
