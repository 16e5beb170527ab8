"""Editing reference data, on a real SQLite file and on PostgreSQL: the channel assumptions
(with an uplift of a unit cost to later prices) and the change points where SPC starts a new
period. Each edit records who and when, an assumption edit leaves an audit row per changed
field, and bad input is refused by field name."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, select, text

from data.edits import (
    read_assumptions,
    read_change_points,
    read_changes,
    record_change_point,
    remove_change_point,
    update_assumption,
)
from data.models import SpcChangePoint
from data.warehouse import make_engine
from metrics.reads import sources_from_warehouse

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def phone(engine) -> dict:
    return read_assumptions(engine).filter(channel="phone").row(0, named=True)


def test_an_edit_records_who_when_and_the_old_and_new_values(engine):
    assert phone(engine)["unit_cost_gbp"] == 3.76
    changed = update_assumption(engine, "phone", unit_cost_gbp=4.5, cost_source=" Our 2025 study ",
                                cost_year=2025, by="analyst@example.com", now=WHEN)
    assert changed == ["unit_cost_gbp", "cost_source", "cost_year"]
    row = phone(engine)
    assert (row["unit_cost_gbp"], row["cost_source"], row["cost_year"]) == (
        4.5, "Our 2025 study", 2025)
    assert row["carbon_kg"] == 0.0  # untouched
    assert (row["updated_by"], row["updated_at"]) == ("analyst@example.com", WHEN)
    changes = read_changes(engine).sort("change_id")
    assert changes.select("channel", "field", "old_value", "new_value").rows() == [
        ("phone", "unit_cost_gbp", "3.76", "4.5"),
        ("phone", "cost_source", "Socitm 2008 median", "Our 2025 study"),
        ("phone", "cost_year", "2008", "2025"),
    ]
    assert set(changes["changed_by"]) == {"analyst@example.com"}
    assert set(changes["changed_at"]) == {WHEN}


def test_an_unchanged_value_writes_nothing(engine):
    assert update_assumption(engine, "phone", unit_cost_gbp=3.76, by="analyst", now=WHEN) == []
    assert read_changes(engine).height == 0
    assert phone(engine)["updated_by"] == "defaults"


def test_the_time_is_recorded_when_not_given(engine):
    before = datetime.now(UTC)
    update_assumption(engine, "letter", carbon_kg=0.06, by="analyst")
    stamp = read_changes(engine).row(0, named=True)["changed_at"]
    assert stamp.tzinfo is not None and before <= stamp <= datetime.now(UTC)


@pytest.mark.parametrize("field, value, words", [
    ("unit_cost_gbp", -0.01, "non-negative"),
    ("carbon_kg", float("nan"), "non-negative"),
    ("unit_cost_gbp", "3", "must be a number"),
    ("cost_source", "   ", "source is required"),
    ("carbon_source", "", "source is required"),
    ("cost_year", 1989, "from 1990 to 2027"),
    ("carbon_year", 2028, "from 1990 to 2027"),
    ("cost_year", 2025.5, "whole year"),
])
def test_bad_input_is_refused_naming_the_field(engine, field, value, words):
    with pytest.raises(ValueError, match=rf"^{field}: .*{words}"):
        update_assumption(engine, "phone", by="analyst", now=WHEN, **{field: value})
    assert read_changes(engine).height == 0
    assert phone(engine)["unit_cost_gbp"] == 3.76


def test_an_unknown_channel_or_nobody_is_refused(engine):
    with pytest.raises(ValueError, match="^channel: .*'fax'"):
        update_assumption(engine, "fax", unit_cost_gbp=1.0, by="analyst", now=WHEN)
    with pytest.raises(ValueError, match="^by: "):
        update_assumption(engine, "phone", unit_cost_gbp=1.0, by=" ", now=WHEN)
    assert read_changes(engine).height == 0


# ---- uplift to later prices -------------------------------------------------------------------

def test_an_uplift_is_recorded_with_its_source_and_year_and_can_be_cleared(engine):
    changed = update_assumption(engine, "phone", uplift_factor=1.52,
                                uplift_source="ONS CPIH 2008 to 2025", uplift_year=2025,
                                by="analyst@example.com", now=WHEN)
    assert changed == ["uplift_factor", "uplift_source", "uplift_year"]
    row = phone(engine)
    assert (row["unit_cost_gbp"], row["uplift_factor"], row["uplift_source"],
            row["uplift_year"]) == (3.76, 1.52, "ONS CPIH 2008 to 2025", 2025)
    assert update_assumption(engine, "phone", clear_uplift=True, by="analyst", now=WHEN) == [
        "uplift_factor", "uplift_source", "uplift_year"]
    assert (phone(engine)["uplift_factor"], phone(engine)["uplift_year"]) == (None, None)
    cleared = read_changes(engine).sort("change_id").tail(3)
    assert cleared.select("old_value", "new_value").rows() == [
        ("1.52", "(none)"), ("ONS CPIH 2008 to 2025", "(none)"), ("2025", "(none)")]


@pytest.mark.parametrize(("fields", "message"), [
    ({"uplift_factor": 1.5}, "uplift_source: an uplift needs its factor, its source"),
    ({"uplift_factor": 0.0, "uplift_source": "x", "uplift_year": 2025},
     "uplift_factor: must be above 0"),
    ({"uplift_factor": 1.5, "uplift_source": "x", "uplift_year": 2001},
     "uplift_year: must not be before the unit cost's year 2008"),
    ({"uplift_factor": 1.5, "uplift_source": " ", "uplift_year": 2025},
     "uplift_source: a source is required"),
])
def test_an_uplift_without_its_parts_is_refused(engine, fields, message):
    with pytest.raises(ValueError, match=message):
        update_assumption(engine, "phone", by="analyst", now=WHEN, **fields)
    assert phone(engine)["uplift_factor"] is None


def test_a_warehouse_made_before_the_uplift_gets_its_columns_empty(warehouse_url):
    """Tables made by an earlier version lack the uplift columns: opening the warehouse adds
    them, empty, and keeps every row."""
    engine = make_engine(warehouse_url)
    update_assumption(engine, "phone", unit_cost_gbp=4.0, by="analyst", now=WHEN)
    with engine.begin() as conn:
        for column in ("uplift_factor", "uplift_source", "uplift_year"):
            conn.execute(text(f"ALTER TABLE ref_channel_assumptions DROP COLUMN {column}"))
    engine.dispose()
    again = make_engine(warehouse_url)
    columns = {c["name"] for c in inspect(again).get_columns("ref_channel_assumptions")}
    assert {"uplift_factor", "uplift_source", "uplift_year"} <= columns
    assert (phone(again)["unit_cost_gbp"], phone(again)["uplift_factor"]) == (4.0, None)
    again.dispose()


# ---- SPC change points ------------------------------------------------------------------------

def test_a_change_point_is_recorded_read_and_removed_with_who_and_when(engine):
    first = record_change_point(engine, "2025-04", " The customer strategy starts ",
                                by="analyst@example.com", now=WHEN)
    record_change_point(engine, "2025-09", "New phone system", kpi="answered_in_60s_pct",
                        by="analyst@example.com", now=WHEN)
    points = read_change_points(engine)
    assert points.select("month", "kpi", "reason", "recorded_by", "recorded_at").rows() == [
        ("2025-04", None, "The customer strategy starts", "analyst@example.com", WHEN),
        ("2025-09", "answered_in_60s_pct", "New phone system", "analyst@example.com", WHEN)]
    assert [(c.month, c.kpi) for c in sources_from_warehouse(engine).change_points] == [
        ("2025-04", None), ("2025-09", "answered_in_60s_pct")]
    remove_change_point(engine, first, by="lead@example.com", now=WHEN)
    assert read_change_points(engine).get_column("month").to_list() == ["2025-09"]
    with engine.connect() as conn:  # kept, marked removed, with who and when
        table = SpcChangePoint.__table__
        removed = conn.execute(select(table.c.removed_by, table.c.removed_at).where(
            table.c.change_point_id == first)).one()
    assert removed[0] == "lead@example.com" and removed[1] is not None
    with pytest.raises(ValueError, match=f"no change point {first} in force"):
        remove_change_point(engine, first, by="lead@example.com")


@pytest.mark.parametrize(("month", "reason", "kpi", "by", "message"), [
    ("2025-13", "x", None, "a", "month: must be a month YYYY-MM"),
    ("April 2025", "x", None, "a", "month: must be a month YYYY-MM"),
    ("1989-12", "x", None, "a", "month: must be a month YYYY-MM from 1990"),
    ("2025-04", "  ", None, "a", "reason: say what changed"),
    ("2025-04", "x", " ", "a", "kpi: a KPI id"),
    ("2025-04", "x", None, " ", "by: who made the change is required"),
])
def test_a_change_point_without_a_month_reason_or_author_is_refused(engine, month, reason, kpi,
                                                                    by, message):
    with pytest.raises(ValueError, match=message):
        record_change_point(engine, month, reason, kpi=kpi, by=by, now=WHEN)
    assert read_change_points(engine).height == 0
