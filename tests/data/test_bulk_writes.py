"""Large frames written through a scratch file (`data.bulk.staged_inserts`): the rows stored are
those the row-by-row writer stores, value for value and type for type, in one transaction; the
scratch files are gone afterwards, whether the transaction committed or not."""

import os
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from data.bulk import STAGED_ROWS, insert_frame, read_frame, staged_inserts
from data.models import Complaint, Contact

ROWS = STAGED_ROWS + 11


def contacts(prefix: str) -> pl.DataFrame:
    start = datetime(2024, 3, 30, 23, 59, 59, 999999, tzinfo=UTC)
    return pl.DataFrame({
        "source_system": ["canonical"] * ROWS,
        "contact_id": [f"{prefix}{i}" for i in range(ROWS)],
        "received_at": [start + timedelta(seconds=i) for i in range(ROWS)],
        "channel": ["phone", "email", "web"] * (ROWS // 3) + ["app"] * (ROWS % 3),
        "service": ["Revenues – Business Rates"] * ROWS,
        "reason": [None if i % 5 else f"reason {i}" for i in range(ROWS)],
        "resolved_at_first_point": [None, True, False] * (ROWS // 3) + [True] * (ROWS % 3),
        "wait_seconds": [None if i % 4 == 0 else i * 1_000_000 for i in range(ROWS)],
        "load_id": [7] * ROWS,
    }, schema_overrides={"received_at": pl.Datetime("us", "UTC")})


def stored(conn, prefix: str) -> list[tuple]:
    c = Contact.__table__.c
    return conn.exec_driver_sql(
        "SELECT contact_id, received_at, channel, service, reason, resolved_at_first_point, "
        "wait_seconds, load_id FROM fct_contacts WHERE contact_id LIKE ? ORDER BY contact_id",
        (f"{prefix}%",)).fetchall() if conn.dialect.name == "sqlite" else read_frame(
        conn, select(c.contact_id, c.received_at, c.channel, c.service, c.reason,
                     c.resolved_at_first_point, c.wait_seconds, c.load_id)
        .where(c.contact_id.like(f"{prefix}%")).order_by(c.contact_id)).rows()


def scratch_folders() -> set[str]:
    """This process's scratch folders: other test workers load at the same time, with their own."""
    mine = f"once-and-done-load-{os.getpid()}-*"
    return {p.name for p in Path(tempfile.gettempdir()).glob(mine)}


def test_a_large_frame_is_stored_as_the_row_by_row_writer_stores_it(engine):
    before = scratch_folders()
    with engine.begin() as conn:
        insert_frame(conn, Contact.__table__, contacts("A"))
    with engine.connect() as conn, staged_inserts(conn), conn.begin():
        insert_frame(conn, Contact.__table__, contacts("B"))
        # A second large frame in the same transaction goes through a file of its own.
        insert_frame(conn, Complaint.__table__, pl.DataFrame({
            "source_system": ["canonical"] * ROWS, "complaint_id": [f"K{i}" for i in range(ROWS)],
            "kind": ["complaint"] * ROWS, "received_on": [date(2024, 1, 2)] * ROWS,
            "service": ["Waste"] * ROWS, "load_id": [7] * ROWS}))
    with engine.connect() as conn:
        row_by_row, staged = stored(conn, "A"), stored(conn, "B")
        assert len(staged) == ROWS
        assert [r[1:] for r in staged] == [r[1:] for r in row_by_row]
        if conn.dialect.name == "sqlite":
            # The same storage classes too: text, integers and NULLs where the writer put them.
            kinds = ("SELECT typeof(received_at), typeof(reason), typeof(resolved_at_first_point), "
                     "typeof(wait_seconds) FROM fct_contacts WHERE contact_id IN (?, ?) "
                     "ORDER BY contact_id")
            assert conn.exec_driver_sql(kinds, ("A5", "B5")).fetchall() == [
                ("text", "text", "integer", "integer")] * 2
            assert [r[1] for r in conn.exec_driver_sql("PRAGMA database_list")] == [
                "main", "temp"]
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM fct_complaints WHERE received_on = '2024-01-02'"
        ).scalar() == ROWS
    assert scratch_folders() == before


def test_a_failed_transaction_leaves_no_row_and_no_scratch_file(engine):
    before = scratch_folders()
    with pytest.raises(RuntimeError, match="part-way"):
        with engine.connect() as conn, staged_inserts(conn), conn.begin():
            insert_frame(conn, Contact.__table__, contacts("C"))
            raise RuntimeError("stopped part-way")
    with engine.connect() as conn:
        assert stored(conn, "C") == []
    assert scratch_folders() == before
