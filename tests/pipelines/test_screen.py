"""The polars screen before great-expectations (`pipelines.screen`): the suite, run only on the
rules and rows the screen picks, finds exactly what the whole suite finds over the whole file,
on the rule tables' bad rows and on values at and around every rule's limits."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from pipelines.feeds import FEEDS
from pipelines.ingest import _broken_rules
from pipelines.parse import parse_cells, read_raw
from pipelines.screen import rule_predicates, suspects
from pipelines.validate import _batch_definition, broken_rules, suite_for
from tests.pipelines.helpers import csv_text
from tests.pipelines.test_ingest_rules import _case_rows

NOW = datetime.now(UTC)


def _typed(feed: str, header: list[str], lines: list[list[str]]) -> pl.DataFrame:
    raw = read_raw(csv_text(header, lines).encode(), FEEDS[feed], "f.csv")
    return parse_cells(raw.frame, FEEDS[feed]).frame


def _found(problems: pl.DataFrame) -> list[tuple[int, str]]:
    return sorted(problems.iter_rows())


@pytest.mark.parametrize("feed", sorted(FEEDS))
def test_every_rule_of_the_suite_has_a_screen_and_no_other(feed):
    _batch_definition()  # a suite is built in great-expectations' context
    messages = [e.meta["message"] for e in suite_for(FEEDS[feed], NOW).expectations]
    assert sorted(rule_predicates(FEEDS[feed], NOW)) == sorted(messages)


@pytest.mark.parametrize("feed", ["contacts", "complaints", "satisfaction"])
def test_the_screened_suite_finds_what_the_whole_suite_finds_in_the_rule_tables(feed):
    header, _cases, lines = _case_rows(feed)
    typed = _typed(feed, header, lines)
    whole = broken_rules(typed, FEEDS[feed], NOW)
    assert whole.height > 0
    assert _found(_broken_rules(typed, FEEDS[feed], NOW)) == _found(whole)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_values_at_every_limit_are_judged_as_the_whole_suite_judges_them():
    latest = NOW + timedelta(days=1)
    second = timedelta(seconds=1)
    header = ["contact_id", "received_at", "channel", "service", "demand_type", "failure_type",
              "wait_seconds", "handle_seconds", "responded_at", "ward"]
    received = [_stamp(datetime(2000, 1, 1, tzinfo=UTC)),
                _stamp(datetime(2000, 1, 1, tzinfo=UTC) - second),
                _stamp(latest - second), _stamp(latest + second), _stamp(latest),
                "2024-05-01 10:00"]
    lines = []
    for i, at in enumerate(received):
        lines.append([f"L-{i}", at, "email", "Waste", "", "", "0", "-1", at, "w"])
    lines += [
        ["L-dup", "2024-05-01 10:00", "phone", "Waste", "failure", "x", "", "", "", ""],
        ["L-dup", "2024-05-01 10:00", "phone", "Waste", "value", "x", "", "", "", ""],
        ["L-len", "2024-05-01 10:00", "phone", "é" * 100, "", "", "", "", "", "é" * 51],
        ["L-long", "2024-05-01 10:00", "phone", "é" * 101, "", "", "", "", "", ""],
        ["L-early", "2024-05-01 10:00", "email", "Waste", "", "", "", "", "2024-05-01 09:59", ""],
        ["L-fine", "2024-05-01 10:00", "phone", "Waste", "", "", "5", "5", "", ""],
    ]
    typed = _typed("contacts", header, lines)
    whole = broken_rules(typed, FEEDS["contacts"], NOW)
    screened = suspects(typed, FEEDS["contacts"], NOW)
    assert "L-fine" not in screened.rows.get_column("contact_id").to_list()
    assert _found(_broken_rules(typed, FEEDS["contacts"], NOW)) == _found(whole)
    # Checked by hand: the ids, the lengths, the instants either side of both limits.
    assert {m for _, m in _found(whole)} == {
        "contact_id: duplicate id in file", "service: longer than 100 characters",
        "handle_seconds: must be 0 or more",
        "failure_type: only allowed when demand_type is failure",
        "received_at: before 2000-01-01 or more than a day after loading",
        "responded_at: before 2000-01-01 or more than a day after loading",
        "responded_at: earlier than received_at"}


def test_dates_at_their_limits_are_judged_as_the_whole_suite_judges_them():
    latest = (NOW + timedelta(days=1)).date()
    days = ["2000-01-01", "1999-12-31", latest.isoformat(),
            (latest + timedelta(days=1)).isoformat(), "2024-05-01"]
    header = ["complaint_id", "kind", "stage", "received_on", "acknowledged_on", "service"]
    lines = [[f"K-{i}", "complaint", "1", day, day, "Waste"] for i, day in enumerate(days)]
    lines += [["K-stage", "", "", "2024-05-01", "2024-04-30", "Waste"],
              ["K-3", "compliment", "3", "2024-05-01", "", "Waste"]]
    typed = _typed("complaints", header, lines)
    whole = broken_rules(typed, FEEDS["complaints"], NOW)
    assert whole.height >= 4
    assert _found(_broken_rules(typed, FEEDS["complaints"], NOW)) == _found(whole)


def test_a_file_that_breaks_no_rule_has_nothing_to_validate():
    header, _cases, lines = _case_rows("contacts")
    typed = _typed("contacts", header, [lines[0], lines[-1]])
    screened = suspects(typed, FEEDS["contacts"], NOW)
    assert (screened.rules, screened.rows.height) == (set(), 0)
