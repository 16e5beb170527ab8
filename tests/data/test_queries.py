"""The queries of `data`: timestamps bound right whatever their time zone, the one "contacts in a
period" read, and reads that feed a page bounded in the database. On SQLite and PostgreSQL."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import StatementError

from data.bulk import insert_frame, read_frame
from data.facts import contacts_received, latest_comments
from data.loads import load_history, quarantine_rows
from data.models import Contact, LoadLog, QuarantineRow, Setting, SurveyResponse
from data.reference import read_settings, set_setting
from tests.data.helpers import statements

LONDON = ZoneInfo("Europe/London")


def contact_rows(*instants: datetime) -> pl.DataFrame:
    n = len(instants)
    return pl.DataFrame({
        "source_system": ["canonical"] * n, "contact_id": [f"C{i}" for i in range(n)],
        "received_at": list(instants), "channel": ["phone"] * n, "service": ["Waste"] * n,
        "load_id": [1] * n}, schema_overrides={"received_at": pl.Datetime("us", "UTC")})


def ids(frame: pl.DataFrame) -> list[str]:
    return sorted(frame.get_column("contact_id").to_list())


def test_a_london_time_bound_in_a_query_means_the_same_instant(engine):
    # 00:30 BST on 1 April 2024 is 23:30 UTC on 31 March. Bound as London time, midnight BST
    # (23:00 UTC) is before it and 01:00 BST (00:00 UTC) after it: on SQLite only if the
    # bound value is turned into UTC text first.
    with engine.begin() as conn:
        insert_frame(conn, Contact.__table__, contact_rows(datetime(2024, 3, 31, 23, 30,
                                                                     tzinfo=UTC)))
    midnight = datetime(2024, 4, 1, 0, 0, tzinfo=LONDON)
    one = datetime(2024, 4, 1, 1, 0, tzinfo=LONDON)
    with engine.connect() as conn:
        assert ids(contacts_received(conn, ["contact_id"], midnight, one)) == ["C0"]
        assert ids(contacts_received(conn, ["contact_id"], one, one.replace(day=2))) == []


def test_a_timestamp_written_through_a_statement_reads_back_the_same_instant(engine):
    at = datetime(2024, 7, 1, 9, 15, 30, 123456, tzinfo=LONDON)  # 08:15:30 UTC
    with engine.begin() as conn:
        conn.execute(insert(LoadLog).values(
            feed="contacts", source_system="x", file_name="f.csv", sha256="0" * 64,
            status="loaded", started_at=at, finished_at=at))
        read = load_history(conn, 10)
    assert read.get_column("started_at").to_list() == [at.astimezone(UTC)]


def test_a_naive_timestamp_is_refused_rather_than_guessed(engine):
    with engine.connect() as conn, pytest.raises(StatementError, match="timezone-aware"):
        contacts_received(conn, ["contact_id"], datetime(2024, 1, 1),
                          datetime(2024, 2, 1, tzinfo=UTC))


def test_contacts_in_a_period_filtered_in_sql(engine):
    rows = contact_rows(*(datetime(2024, 1, d, 9, tzinfo=UTC) for d in (1, 2, 3, 4)))
    rows = rows.with_columns(
        pl.Series("ward", ["North", None, "North", "South"]),
        pl.Series("customer_pseudonym", ["p1", None, "p2", "p3"]),
        pl.Series("load_id", [1, 1, 2, 2]))
    with engine.begin() as conn:
        insert_frame(conn, Contact.__table__, rows)
    january = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC)
    with engine.connect() as conn:
        def read(**options):
            return ids(contacts_received(conn, ["contact_id"], *january, **options))
        assert read() == ["C0", "C1", "C2", "C3"]
        assert read(filters={"ward": ("North", "")}) == ["C0", "C1", "C2"]
        assert read(filters={"ward": ()}) == []
        assert read(identified=True) == ["C0", "C2", "C3"]
        assert read(except_load=1) == ["C2", "C3"]
        assert read(filters={"service": ("Waste",), "channel": ("email",)}) == []
        with pytest.raises(ValueError, match="cannot filter contacts by"):
            read(filters={"team": ("A",)})


def test_the_load_history_and_the_quarantine_are_bounded_in_the_database(engine):
    now = datetime(2024, 5, 1, tzinfo=UTC)
    with engine.begin() as conn:
        insert_frame(conn, LoadLog.__table__, pl.DataFrame({
            "load_id": [1, 2, 3], "feed": ["contacts"] * 3, "source_system": ["x"] * 3,
            "file_name": ["a.csv", "b.csv", "c.csv"], "sha256": ["0" * 64] * 3,
            "status": ["loaded"] * 3, "started_at": [now] * 3, "finished_at": [now] * 3,
            **{f"rows_{k}": [0] * 3 for k in ("read", "inserted", "updated", "unchanged",
                                             "quarantined")},
            "errors": ["[]"] * 3}))
        insert_frame(conn, QuarantineRow.__table__, pl.DataFrame({
            "load_id": [1, 1, 3, 3, 3], "feed": ["contacts"] * 5, "source_system": ["x"] * 5,
            "file_name": ["f.csv"] * 5, "row_number": [2, 3, 7, 4, 5],
            "raw_text": ["..."] * 5, "reasons": [json.dumps(["a rule"])] * 5}))
    sent = statements(engine)
    with engine.connect() as conn:
        loads = load_history(conn, 2)
        rows = quarantine_rows(conn, 4)
    assert loads.get_column("load_id").to_list() == [3, 2]
    # Newest load first, each load's rows in file order.
    assert rows.select("load_id", "row_number").rows() == [(3, 4), (3, 5), (3, 7), (1, 2)]
    bounded = [s for s in sent if "load_log" in s or "quarantine_rows" in s]
    assert len(bounded) == 2 and all("LIMIT" in s and "ORDER BY" in s for s in bounded)


def test_the_latest_comments_are_bounded_and_newest_first(engine):
    at = [datetime(2024, 1, 10, h, tzinfo=UTC) for h in range(9, 14)]
    with engine.begin() as conn:
        insert_frame(conn, SurveyResponse.__table__, pl.DataFrame({
            "source_system": ["x"] * 5, "response_id": [f"r{i}" for i in range(5)],
            "responded_at": at, "channel": ["phone", "web", "phone", "phone", "web"],
            "service": ["Waste"] * 5, "comment": ["a", "b", "", "d", "e"], "load_id": [1] * 5}))
    january = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC)
    with engine.connect() as conn:
        newest = latest_comments(conn, "Waste", *january, limit=2)
        phone = latest_comments(conn, "Waste", *january, channels=("phone",))
    assert newest.get_column("comment").to_list() == ["e", "d"]
    assert phone.get_column("comment").to_list() == ["d", "a"]


def test_a_setting_is_written_with_who_and_when(engine):
    with engine.begin() as conn:
        set_setting(conn, "repeat_window_days", "10", by="analyst")
        set_setting(conn, "repeat_window_days", "12", by="analyst")
    assert read_settings(engine)["repeat_window_days"] == "12"
    with engine.connect() as conn:
        who = conn.execute(select(Setting.updated_by).where(
            Setting.key == "repeat_window_days")).scalar_one()
    assert who == "analyst"


def test_a_query_reads_into_the_dtypes_of_its_columns(engine):
    with engine.connect() as conn:
        frame = read_frame(conn, select(Contact.__table__.c.received_at,
                                        Contact.__table__.c.abandoned,
                                        Contact.__table__.c.wait_seconds))
    assert frame.schema == {"received_at": pl.Datetime("us", "UTC"), "abandoned": pl.Boolean,
                            "wait_seconds": pl.Int64}
