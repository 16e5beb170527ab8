"""Actions against complaint themes, recorded and read on a real SQLite file and on
PostgreSQL: each with who recorded it and when, read into the KPI sources, moving the
warehouse's `actions` part; one that breaks a rule leaves nothing written."""

from datetime import UTC, date, datetime

import pytest

from data.edits import read_actions, record_actions
from data.versions import read_versions
from metrics.reads import sources_from_warehouse
from pipelines.demo.actions import record_demo_actions

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ACTION = {"complaint_theme": "missed collection", "service": "Waste and Recycling",
          "changed_on": date(2025, 2, 3), "what_changed": " Crews photograph bins left ",
          "changed_by": "Head of Waste", "kpi": "upheld_pct"}


def test_actions_are_recorded_with_who_and_when_and_read_by_date(engine):
    with engine.connect() as conn:
        before = read_versions(conn)["actions"]
    later = {**ACTION, "changed_on": date(2025, 6, 1), "kpi": "stage1_on_time_pct"}
    ids = record_actions(engine, [later, ACTION], by=" lead@example.com ", now=WHEN)
    assert len(ids) == 2
    actions = read_actions(engine)
    assert actions.get_column("changed_on").to_list() == [date(2025, 2, 3), date(2025, 6, 1)]
    first = actions.row(0, named=True)
    assert first["what_changed"] == "Crews photograph bins left"
    assert (first["recorded_by"], first["recorded_at"]) == ("lead@example.com", WHEN)
    assert sources_from_warehouse(engine).actions.get_column("kpi").to_list() == [
        "upheld_pct", "stage1_on_time_pct"]
    with engine.connect() as conn:
        assert read_versions(conn)["actions"] > before


@pytest.mark.parametrize(("change", "by", "message"), [
    ({"changed_on": "2025-02-03"}, "lead", "changed_on: must be a date"),
    ({"kpi": " "}, "lead", "kpi: is required"),
    ({}, " ", "by: who made the change is required"),
])
def test_a_batch_with_a_bad_action_writes_nothing(engine, change, by, message):
    with pytest.raises(ValueError, match=message):
        record_actions(engine, [ACTION, {**ACTION, **change}], by=by, now=WHEN)
    assert read_actions(engine).height == 0


def test_the_demo_records_its_actions_once_and_none_before_its_programme(engine):
    assert record_demo_actions(engine, 2) == 0
    assert record_demo_actions(engine, 36) == 4
    assert record_demo_actions(engine, 36) == 0
    actions = read_actions(engine)
    assert actions.height == 4 and set(actions.get_column("recorded_by")) == {"demo council"}
    assert actions.get_column("changed_on").to_list()[0] == date(2024, 11, 4)
