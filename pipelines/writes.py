"""The SQL side of a load: key lookups, replacing rows, and neighbour updates.

Every statement runs on the load's own connection, inside its one transaction, and user data
reaches SQL only as bound parameters or through the bulk writer.
"""

from datetime import datetime

import polars as pl
from sqlalchemy import Connection, Table

from data.bulk import (
    bind_value,
    indexes_rebuilt_if_large,
    insert_frame,
    placeholder,
    read_frame,
    schema_of,
)
from data.models import Contact
from transform.matters import MATTER

KEYS = "tmp_load_keys"
REPLACED = "tmp_load_replaced"
MATTERS = "tmp_load_matters"
NEIGHBOURS = "tmp_load_neighbours"


def _temp_table(conn: Connection, name: str, columns: str) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} ({columns})")


def _fill_keys(conn: Connection, ids: pl.Series) -> None:
    """Put the file's ids in a temporary table, to join with instead of a giant IN list."""
    _temp_table(conn, KEYS, "id TEXT PRIMARY KEY")
    _insert_temp(conn, KEYS, pl.DataFrame({"id": ids}))


def existing_rows(conn: Connection, table: Table, key: str, source_system: str,
                  ids: pl.Series) -> pl.DataFrame:
    """The stored rows of this source system with these ids."""
    schema = schema_of(table)
    mark = placeholder(conn)
    if conn.exec_driver_sql(f'SELECT 1 FROM "{table.name}" WHERE source_system = {mark} LIMIT 1',
                            (source_system,)).first() is None:
        return pl.DataFrame(schema=schema)  # the source system's first load: every id is new
    _fill_keys(conn, ids)
    columns = ", ".join(f't."{c}"' for c in schema)
    sql = (f'SELECT {columns} FROM "{table.name}" t JOIN {KEYS} k ON t."{key}" = k.id '
           f"WHERE t.source_system = {mark}")
    return read_frame(conn, sql, schema, (source_system,))


def replace_rows(conn: Connection, table: Table, key: str, source_system: str,
                 rows: pl.DataFrame, replacing: int) -> None:
    """Delete the stored versions of these ids (`replacing` of them exist), then insert the
    rows: together, an insert or update per id. Only the rows' own ids are deleted: the keys
    table also holds the file's unchanged ids, which stay as they are."""
    if rows.height == 0:
        return
    if replacing:
        _temp_table(conn, REPLACED, "id TEXT PRIMARY KEY")
        _insert_temp(conn, REPLACED, pl.DataFrame({"id": rows.get_column(key)}))
        conn.exec_driver_sql(
            f'DELETE FROM "{table.name}" WHERE source_system = {placeholder(conn)} '
            f'AND "{key}" IN (SELECT id FROM {REPLACED})', (source_system,))
    with indexes_rebuilt_if_large(conn, table, rows.height):
        insert_frame(conn, table, rows)


def matter_contacts(conn: Connection, matters: pl.DataFrame, start: datetime,
                    end: datetime) -> pl.DataFrame:
    """The stored contacts of the given matters (pseudonym, service) received from `start` to
    `end`, with their neighbours."""
    _temp_table(conn, MATTERS, "customer_pseudonym TEXT, service TEXT")
    _insert_temp(conn, MATTERS, matters)
    names = ["source_system", "contact_id", *MATTER, "received_at", "prev_matter_at",
             "next_matter_at"]
    schema = schema_of(Contact.__table__, names)
    columns = ", ".join(f"c.{n}" for n in names)
    mark = placeholder(conn)
    sql = (f"SELECT {columns} FROM fct_contacts c JOIN {MATTERS} m "
           "ON c.customer_pseudonym = m.customer_pseudonym AND c.service = m.service "
           f"WHERE c.received_at >= {mark} AND c.received_at <= {mark}")
    return read_frame(conn, sql, schema, (bind_value(conn, start), bind_value(conn, end)))


def update_neighbours(conn: Connection, moved: pl.DataFrame) -> None:
    """Write new prev/next neighbour instants for stored contacts."""
    if moved.height == 0:
        return
    timestamp = "TIMESTAMPTZ" if conn.dialect.name == "postgresql" else "TEXT"
    _temp_table(conn, NEIGHBOURS, "source_system TEXT, contact_id TEXT, "
                f"prev_matter_at {timestamp}, next_matter_at {timestamp}")
    _insert_temp(conn, NEIGHBOURS, moved.select("source_system", "contact_id", "prev_matter_at",
                                                "next_matter_at"))
    conn.exec_driver_sql(
        f"UPDATE fct_contacts SET prev_matter_at = n.prev_matter_at, "
        f"next_matter_at = n.next_matter_at FROM {NEIGHBOURS} n "
        "WHERE fct_contacts.source_system = n.source_system "
        "AND fct_contacts.contact_id = n.contact_id")


def _insert_temp(conn: Connection, name: str, frame: pl.DataFrame) -> None:
    insert_frame(conn, _TempTable(name, frame.columns), frame)


class _TempTable:
    """Just enough of a Table for `insert_frame` (name and column names)."""

    def __init__(self, name: str, columns: list[str]):
        self.name = name
        self.c = set(columns)
