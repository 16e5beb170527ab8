"""What a load keeps up besides its rows, so that its cost follows the rows it brings and not
the history the warehouse holds: no index by matter (an older warehouse loses it), and the
choice to rebuild a table's indexes made without counting the table (on PostgreSQL, without
reading a large table at all)."""

import polars as pl
import pytest
from sqlalchemy import BigInteger, Column, Index, MetaData, Table, event, inspect, text

from data import bulk
from data.bulk import indexes_rebuilt_if_large, insert_frame
from data.warehouse import make_engine


def _indexes(conn, table: str) -> set[str]:
    return {i["name"] for i in inspect(conn).get_indexes(table)}


def test_an_older_warehouse_loses_the_index_by_matter(warehouse_url):
    engine = make_engine(warehouse_url)
    try:
        with engine.begin() as conn:
            assert _indexes(conn, "fct_contacts") == {"ix_contacts_received_at"}
            conn.execute(text("CREATE INDEX ix_contacts_matter ON fct_contacts "
                              "(customer_pseudonym, service, received_at)"))
    finally:
        engine.dispose()
    engine = make_engine(warehouse_url)  # as a newer version starts on an older warehouse
    try:
        with engine.connect() as conn:
            assert _indexes(conn, "fct_contacts") == {"ix_contacts_received_at"}
    finally:
        engine.dispose()


# (rows in the table, rows added, whether the indexes are dropped while they go in)
CASES = [
    (0, 9, False),     # below LARGE_BATCH rows: never, even into an empty table
    (0, 10, True),
    (43, 10, True),    # 43 // 4 = 10: the batch is a quarter of the table
    (44, 10, False),   # 44 // 4 = 11
]


def test_indexes_are_rebuilt_for_a_batch_that_is_a_quarter_of_the_table(engine, monkeypatch):
    monkeypatch.setattr(bulk, "LARGE_BATCH", 10)  # the rule at a tenth of a second's scale
    table = Table("upkeep_check", MetaData(), Column("n", BigInteger),
                  Index("ix_upkeep_check_n", "n"))
    seen = []
    for existing, adding, _ in CASES:
        with engine.begin() as conn:
            table.create(conn)
            insert_frame(conn, table, pl.DataFrame({"n": range(existing)}, schema={"n": pl.Int64}))
            with indexes_rebuilt_if_large(conn, table, adding):
                seen.append(_indexes(conn, table.name) == set())
                insert_frame(conn, table, pl.DataFrame({"n": range(adding)},
                                                       schema={"n": pl.Int64}))
            assert _indexes(conn, table.name) == {"ix_upkeep_check_n"}
            table.drop(conn)
    assert seen == [rebuilt for *_, rebuilt in CASES]


@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_postgresql_knows_a_large_table_by_its_estimate_without_reading_it(engine, monkeypatch):
    monkeypatch.setattr(bulk, "LARGE_BATCH", 10)
    table = Table("upkeep_estimate", MetaData(), Column("n", BigInteger),
                  Index("ix_upkeep_estimate_n", "n"))
    with engine.begin() as conn:
        table.create(conn)
        insert_frame(conn, table, pl.DataFrame({"n": range(1_000)}, schema={"n": pl.Int64}))
        conn.execute(text("ANALYZE upkeep_estimate"))  # as autovacuum would after a load
    sent = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: sent.append(statement))
    with engine.begin() as conn:
        # 1,000 rows hold more than four times 20: the batch is small, the index stays.
        with indexes_rebuilt_if_large(conn, table, 20):
            assert _indexes(conn, table.name) == {"ix_upkeep_estimate_n"}
        table.drop(conn)
    assert any("reltuples" in s for s in sent), sent
    assert not [s for s in sent if "OFFSET" in s], sent


@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_rows_loaded_since_the_last_analyze_count_in_the_estimate(engine, monkeypatch):
    # ANALYZE saw 100 rows; 10,000 came after. A batch of 100 needs more than 403 rows for the
    # table to be large: the rows per page of the ANALYZE times the pages now say so, where
    # the ANALYZE's own count (100) would have sent the table to be read.
    monkeypatch.setattr(bulk, "LARGE_BATCH", 10)
    table = Table("upkeep_stale", MetaData(), Column("n", BigInteger),
                  Index("ix_upkeep_stale_n", "n"))
    with engine.begin() as conn:
        table.create(conn)
        # Stale as after a load that autovacuum has not yet caught up with.
        conn.execute(text("ALTER TABLE upkeep_stale SET (autovacuum_enabled = false)"))
        insert_frame(conn, table, pl.DataFrame({"n": range(100)}, schema={"n": pl.Int64}))
        conn.execute(text("ANALYZE upkeep_stale"))
        insert_frame(conn, table, pl.DataFrame({"n": range(10_000)}, schema={"n": pl.Int64}))
    sent = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: sent.append(statement))
    with engine.begin() as conn:
        assert conn.execute(text("SELECT reltuples FROM pg_class "
                                 "WHERE oid = 'upkeep_stale'::regclass")).scalar() == 100
        with indexes_rebuilt_if_large(conn, table, 100):
            assert _indexes(conn, table.name) == {"ix_upkeep_stale_n"}
        table.drop(conn)
    assert not [s for s in sent if "OFFSET" in s], sent
