"""`data.bulk.read_frame` gives the same frame on both warehouses, whatever the values hold, and
the same for many rows as for a few: on PostgreSQL many rows come as COPY's CSV text, where a
NULL and an empty text differ only by quotes, a text may hold commas, quotes and line breaks, a
row of one NULL is an empty line, and instants carry the session's own offset. A failure of the
server mid-read is SQLAlchemy's error, which the command line answers in one line."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from data.bulk import insert_frame, read_frame
from data.connect import unavailable
from data.models import Contact

AWKWARD = ["", None, 'a "quoted", text', "two\nlines", "1,2,3", "NULL", "\\N", " spaced "]


def awkward_contacts() -> pl.DataFrame:
    n = len(AWKWARD)
    first = datetime(2024, 3, 31, 0, 59, 59, 999999, tzinfo=UTC)  # the hour before BST began
    return pl.DataFrame({
        "source_system": ["canonical"] * n, "contact_id": [f"C{i}" for i in range(n)],
        "received_at": [first + timedelta(hours=i, microseconds=i) for i in range(n)],
        "channel": ["phone"] * n, "service": ["Waste"] * n, "load_id": [1] * n,
        "ward": AWKWARD, "abandoned": [True, False, None] * 2 + [True, None],
        "wait_seconds": [0, None, 7, 2**40, None, 1, 2, 3],
    }, schema_overrides={"received_at": pl.Datetime("us", "UTC")})


def test_awkward_values_read_back_as_written(engine):
    written = awkward_contacts()
    with engine.begin() as conn:
        insert_frame(conn, Contact.__table__, written)
    columns = ["contact_id", "received_at", "ward", "abandoned", "wait_seconds"]
    c = Contact.__table__.c
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            # Instants come out in the session's zone: half-hour offsets included.
            conn.execute(text("SET TIME ZONE 'Asia/Kolkata'"))
        query = select(*(c[n] for n in columns)).order_by(c.contact_id)
        few, many = read_frame(conn, query), read_frame(conn, query, many=True)
        # One column, the NULL row an empty line of the CSV: kept.
        wards = read_frame(conn, select(c.ward).order_by(c.contact_id), many=True)
    for read in (few, many):
        assert read.to_dicts() == written.select(columns).to_dicts()
        assert read.schema == {"contact_id": pl.String, "received_at": pl.Datetime("us", "UTC"),
                               "ward": pl.String, "abandoned": pl.Boolean,
                               "wait_seconds": pl.Int64}
    assert wards.get_column("ward").to_list() == AWKWARD


def test_an_empty_read_has_its_columns(engine):
    c = Contact.__table__.c
    query = select(c.contact_id, c.received_at, c.abandoned)
    with engine.connect() as conn:
        reads = read_frame(conn, query), read_frame(conn, query, many=True)
    for empty in reads:
        assert empty.height == 0
        assert empty.schema == {"contact_id": pl.String,
                                "received_at": pl.Datetime("us", "UTC"), "abandoned": pl.Boolean}


@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_a_server_gone_mid_read_is_sqlalchemys_error_in_one_line(engine):
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(DBAPIError) as raised:
            read_frame(conn, select(Contact.__table__.c.contact_id), many=True)
    why = unavailable(raised.value)
    assert why is not None and "\n" not in why, why
    assert "terminat" in why or "closed" in why, why
