"""What a load keeps up besides its rows, so that its cost follows the rows it brings and not
the history the warehouse holds: no index by matter (an older warehouse loses it), and the
choice to rebuild a table's indexes made without counting the table (on PostgreSQL, without
reading a large table at all)."""

import polars as pl
import pytest
from sqlalchemy import BigInteger, Column, Index, MetaData, Table, inspect, text

from data import bulk
from data.bulk import indexes_rebuilt_if_large, insert_frame
from data.warehouse import make_engine
from tests.data.helpers import statements


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


def _kept_without_reading(engine, table: Table, adding: int) -> list[str]:
    """Open `indexes_rebuilt_if_large` for a batch of `adding` rows into the filled `table`,
    check that its index stays (the batch is small beside it), drop the table, and give the
    statements sent meanwhile."""
    sent = statements(engine)
    with engine.begin() as conn:
        with indexes_rebuilt_if_large(conn, table, adding):
            assert _indexes(conn, table.name) == {f"ix_{table.name}_n"}
        table.drop(conn)
    return sent


def _indexed(name: str) -> Table:
    return Table(name, MetaData(), Column("n", BigInteger), Index(f"ix_{name}_n", "n"))


def _numbers(count: int) -> pl.DataFrame:
    return pl.DataFrame({"n": range(count)}, schema={"n": pl.Int64})


@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_postgresql_knows_a_large_table_by_its_estimate_without_reading_it(engine, monkeypatch):
    monkeypatch.setattr(bulk, "LARGE_BATCH", 10)
    table = _indexed("upkeep_estimate")
    with engine.begin() as conn:
        table.create(conn)
        insert_frame(conn, table, _numbers(1_000))
        conn.execute(text("ANALYZE upkeep_estimate"))  # as autovacuum would after a load
    # 1,000 rows hold more than four times 20: the batch is small, the index stays.
    sent = _kept_without_reading(engine, table, 20)
    assert any("reltuples" in s for s in sent), sent
    assert not [s for s in sent if "OFFSET" in s], sent


@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_rows_loaded_since_the_last_analyze_count_in_the_estimate(engine, monkeypatch):
    # ANALYZE saw 100 rows; 10,000 came after. A batch of 100 needs more than 403 rows for the
    # table to be large: the rows per page of the ANALYZE times the pages now say so, where
    # the ANALYZE's own count (100) would have sent the table to be read.
    monkeypatch.setattr(bulk, "LARGE_BATCH", 10)
    table = _indexed("upkeep_stale")
    with engine.begin() as conn:
        table.create(conn)
        # Stale as after a load that autovacuum has not yet caught up with.
        conn.execute(text("ALTER TABLE upkeep_stale SET (autovacuum_enabled = false)"))
        insert_frame(conn, table, _numbers(100))
        conn.execute(text("ANALYZE upkeep_stale"))
        insert_frame(conn, table, _numbers(10_000))
        assert conn.execute(text("SELECT reltuples FROM pg_class "
                                 "WHERE oid = 'upkeep_stale'::regclass")).scalar() == 100
    sent = _kept_without_reading(engine, table, 100)
    assert not [s for s in sent if "OFFSET" in s], sent
