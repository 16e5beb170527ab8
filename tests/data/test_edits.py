"""Editing the channel assumptions, on a real SQLite file and on PostgreSQL: each edit records
who and when and leaves an audit row per changed field; bad input is refused by field name."""

from datetime import UTC, datetime

import pytest

from data.edits import read_assumptions, read_changes, update_assumption

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
