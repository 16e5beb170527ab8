"""The audit trail's table on both warehouses: events appended and read back newest first."""

from datetime import UTC, datetime

import pytest

from data.audit import read_events, record_event


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
