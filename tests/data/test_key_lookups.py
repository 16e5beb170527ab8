"""A load looks up its file's ids among the stored rows (`data.writes.existing_rows`) with one
primary-key lookup per id, never by reading every stored row of the source system: that read
grows with the warehouse's history (60 s of a 1,000,000-row load into 30,000,000 contacts on
PostgreSQL, whose planner chose it for the plain join). Read from each database's own plan."""

from datetime import UTC, datetime, timedelta

import polars as pl

from data.bulk import insert_frame
from data.models import Contact
from data.writes import KEYS, _filled, existing_rows, stored_with_keys
from tests.data.helpers import statements

STORED = 20_000


def stored_contacts() -> pl.DataFrame:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return pl.DataFrame({
        "source_system": ["canonical"] * STORED,
        "contact_id": [f"C{i:06d}" for i in range(STORED)],
        "received_at": [start + timedelta(minutes=i) for i in range(STORED)],
        "channel": ["phone"] * STORED, "service": ["Waste"] * STORED, "load_id": [1] * STORED,
    }, schema_overrides={"received_at": pl.Datetime("us", "UTC")})


def plan(conn, statement) -> str:
    sql = str(statement.compile(conn, compile_kwargs={"literal_binds": True}))
    explain = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
    return "\n".join(str(row[-1]) for row in conn.exec_driver_sql(explain + sql))


def test_the_ids_are_looked_up_one_by_one_in_the_primary_key(engine):
    table = Contact.__table__
    with engine.begin() as conn:
        insert_frame(conn, table, stored_contacts())
    with engine.begin() as conn:
        # A file of 5,000 ids: the last 100 stored, the rest new.
        ids = pl.Series([f"C{i:06d}" for i in range(STORED - 100, STORED + 4_900)])
        keys = _filled(conn, KEYS, pl.DataFrame({"id": ids}))
        steps = plan(conn, stored_with_keys(conn, table, "contact_id", "canonical", keys))
        found = existing_rows(conn, table, "contact_id", "canonical", ids)
    if engine.dialect.name == "sqlite":
        assert "SEARCH fct_contacts USING INDEX" in steps, steps
        assert "(source_system=? AND contact_id=?)" in steps, steps
        assert "SCAN fct_contacts" not in steps, steps
    else:
        assert "Index Scan using fct_contacts_pkey on fct_contacts" in steps, steps
        assert "Index Cond: (((source_system)::text = 'canonical'::text) AND " \
               "((contact_id)::text = tmp_load_keys.id))" in steps, steps
        assert "Seq Scan on fct_contacts" not in steps, steps
        assert "Heap Scan on fct_contacts" not in steps, steps
    assert sorted(found.get_column("contact_id").to_list()) == [
        f"C{i:06d}" for i in range(STORED - 100, STORED)]


def test_ids_beyond_every_stored_one_are_new_without_a_lookup(engine):
    table = Contact.__table__
    with engine.begin() as conn:
        insert_frame(conn, table, stored_contacts())
    sent = statements(engine)

    def lookups() -> int:
        """The statements that read stored rows by the keys table (`stored_with_keys`)."""
        return len([s for s in sent if "tmp_load_keys" in s and "fct_contacts.received_at" in s])

    with engine.begin() as conn:
        # Next month's ids count on from the stored ones; the third system has no rows.
        after = existing_rows(conn, table, "contact_id", "canonical",
                              pl.Series([f"C{i:06d}" for i in range(STORED, STORED + 500)]))
        elsewhere = existing_rows(conn, table, "contact_id", "crm", pl.Series(["C000001"]))
        assert lookups() == 0
        # This file's first id is stored.
        overlapping = existing_rows(conn, table, "contact_id", "canonical",
                                    pl.Series([f"C{i:06d}" for i in range(STORED - 1,
                                                                          STORED + 9)]))
        assert lookups() == 1
    assert after.height == 0 and elsewhere.height == 0
    assert overlapping.get_column("contact_id").to_list() == [f"C{STORED - 1:06d}"]
