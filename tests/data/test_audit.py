"""The audit trail's table on both warehouses: events appended and read back newest first, and
kept as long as `audit_retention_days` says."""

from datetime import UTC, datetime, timedelta

import pytest

from data.audit import (
    RETENTION,
    ROLE_MAPPING,
    forget_old_events,
    read_events,
    record_event,
    retention_days,
)
from data.reference import read_settings, set_setting


def test_events_are_read_back_newest_first(engine):
    record_event(engine, "a@example.com", "view", "Failure demand", "Contact chains: Waste",
                 now=datetime(2026, 1, 2, 9, tzinfo=UTC))
    record_event(engine, "b@example.com", "download", "Satisfaction", "comments.csv",
                 now=datetime(2026, 1, 2, 10, tzinfo=UTC))
    events = read_events(engine)
    assert events.select("who", "action", "page", "detail").rows() == [
        ("b@example.com", "download", "Satisfaction", "comments.csv"),
        ("a@example.com", "view", "Failure demand", "Contact chains: Waste")]
    assert events.get_column("at").to_list()[0] == datetime(2026, 1, 2, 10, tzinfo=UTC)


def test_an_unknown_action_or_nobody_is_refused(engine):
    with pytest.raises(ValueError, match="action: 'look' is not one of view, download, edit"):
        record_event(engine, "a@example.com", "look", "Failure demand", "x")
    with pytest.raises(ValueError, match="who: "):
        record_event(engine, " ", "view", "Failure demand", "x")
    assert read_events(engine).height == 0


# ---- retention (`audit_retention_days`) ---------------------------------------------------------

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _kept(engine) -> list[str]:
    return sorted(read_events(engine).get_column("detail").to_list())


def test_events_older_than_the_retention_are_deleted_when_an_event_is_written(engine):
    with engine.begin() as conn:
        set_setting(conn, RETENTION, "30", by="analyst")
    limit = NOW - timedelta(days=30)
    for detail, at in [("older", limit - timedelta(seconds=1)), ("on the limit", limit),
                       ("newer", limit + timedelta(seconds=1)),
                       ("mapping, superseded", limit - timedelta(days=99)),
                       ("mapping, in force", limit - timedelta(days=9))]:
        page = ROLE_MAPPING if detail.startswith("mapping") else "Failure demand"
        record_event(engine, "a@example.com", "view", page, detail, now=at)
    record_event(engine, "b@example.com", "download", "Satisfaction", "new", now=NOW)
    # Older than 30 days is gone; 30 days old exactly is not older. The latest record of the
    # role mapping stays, whatever its age: it says what is in force.
    assert _kept(engine) == ["mapping, in force", "new", "newer", "on the limit"]
    assert forget_old_events(engine, now=NOW + timedelta(seconds=1)) == 1  # "on the limit"
    assert _kept(engine) == ["mapping, in force", "new", "newer"]


def test_the_default_is_seven_years_and_a_mistyped_retention_deletes_nothing(engine):
    assert read_settings(engine)[RETENTION] == "2557"
    record_event(engine, "a@example.com", "view", "Failure demand", "seven years ago",
                 now=NOW - timedelta(days=2557))
    record_event(engine, "a@example.com", "view", "Failure demand", "a day more",
                 now=NOW - timedelta(days=2558))
    assert forget_old_events(engine, now=NOW) == 1
    assert _kept(engine) == ["seven years ago"]
    for typed in ("seven years", "0", "-5", "30.5"):
        with engine.begin() as conn:
            set_setting(conn, RETENTION, typed, by="analyst")
        assert retention_days(read_settings(engine)) is None
        assert forget_old_events(engine, now=NOW + timedelta(days=9999)) == 0
    assert _kept(engine) == ["seven years ago"]
