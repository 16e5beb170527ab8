"""The SQL side of a load: key lookups, replacing rows, and neighbour updates.

Every statement runs on the load's own connection, inside its one transaction, as SQLAlchemy
Core (bound parameters) or through the bulk writer. A file's keys and matters go to temporary
tables, to join with instead of giant IN lists.
"""

from datetime import datetime

import polars as pl
from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    Select,
    Table,
    Text,
    delete,
    func,
    select,
    true,
    update,
)
from sqlalchemy.schema import CreateTable, DropTable

from data.bulk import indexes_rebuilt_if_large, insert_frame, read_frame, schema_of
from data.models import Contact
from data.types import UtcDateTime
from data.vocabulary import MATTER

_TEMPORARY = MetaData()


def _temporary(name: str, *columns: Column) -> Table:
    return Table(name, _TEMPORARY, *columns, prefixes=["TEMPORARY"])


KEYS = _temporary("tmp_load_keys", Column("id", Text, primary_key=True))
REPLACED = _temporary("tmp_load_replaced", Column("id", Text, primary_key=True))
NEIGHBOURS = _temporary("tmp_load_neighbours", Column("source_system", Text),
                        Column("contact_id", Text), Column("prev_matter_at", UtcDateTime()),
                        Column("next_matter_at", UtcDateTime()))


def _filled(conn: Connection, table: Table, frame: pl.DataFrame) -> Table:
    """A fresh temporary table holding the frame's rows."""
    conn.execute(DropTable(table, if_exists=True))
    conn.execute(CreateTable(table))
    insert_frame(conn, table, frame)
    return table


def existing_rows(conn: Connection, table: Table, key: str, source_system: str,
                  ids: pl.Series) -> pl.DataFrame:
    """The stored rows of this source system with these ids.

    The ids are looked up one by one only when a stored id of the system lies between the
    least and the greatest of them: a system's first load, and a month of ids counting on from
    the last, need one search of the primary key instead (1.0 s of a 1,000,000-row load on
    SQLite, 1.8 s on PostgreSQL). The bounds are taken in the database's own order of text:
    SQLite's is the bytes' order, as polars' is; PostgreSQL's is its collation's, so there
    they are read from the ids once they are in the keys table.
    """
    empty = pl.DataFrame(schema=schema_of(table))
    if conn.dialect.name == "sqlite":
        if not _stored_between(conn, table, key, source_system, ids.min(), ids.max()):
            return empty
        keys = _filled(conn, KEYS, pl.DataFrame({"id": ids}))
    else:
        keys = _filled(conn, KEYS, pl.DataFrame({"id": ids}))
        low, high = (select(least_or_greatest(keys.c.id)).scalar_subquery()
                     for least_or_greatest in (func.min, func.max))
        if not _stored_between(conn, table, key, source_system, low, high):
            return empty
    return read_frame(conn, stored_with_keys(conn, table, key, source_system, keys), many=True)


def _stored_between(conn: Connection, table: Table, key: str, source_system: str,
                    low, high) -> bool:
    c = table.c
    return conn.execute(select(c.source_system).where(
        c.source_system == source_system, c[key].between(low, high)).limit(1)).first() is not None


def stored_with_keys(conn: Connection, table: Table, key: str, source_system: str,
                     keys: Table) -> Select:
    """The statement reading the stored rows whose ids are in `keys`: one primary-key lookup per
    id, however many rows are stored.

    Given a plain join, both planners read every stored row of the system instead, a cost that
    grows with the history: SQLite walks the primary key's `source_system` part; PostgreSQL,
    costing from statistics that lag a large load, scanned the table (60 s of a 1,000,000-row
    load into 30,000,000 contacts). SQLite searches the key for each id of an IN list; on
    PostgreSQL a lateral lookup that stops at its first match cannot be turned into a scan
    (1.7 s there). The pair is unique: LIMIT 1 loses nothing.
    """
    if conn.dialect.name != "postgresql":
        return select(table).where(table.c.source_system == source_system,
                                   table.c[key].in_(select(keys.c.id)))
    found = select(table).where(table.c.source_system == source_system,
                                table.c[key] == keys.c.id).limit(1).lateral("found")
    return select(*found.c).select_from(keys.join(found, true()))


def replace_rows(conn: Connection, table: Table, key: str, source_system: str,
                 rows: pl.DataFrame, replacing: int) -> None:
    """Delete the stored versions of these ids (`replacing` of them exist), then insert the
    rows: together, an insert or update per id. Only the rows' own ids are deleted: the keys
    table also holds the file's unchanged ids, which stay as they are."""
    if rows.height == 0:
        return
    if replacing:
        replaced = _filled(conn, REPLACED, pl.DataFrame({"id": rows.get_column(key)}))
        conn.execute(delete(table).where(table.c.source_system == source_system,
                                         table.c[key].in_(select(replaced.c.id))))
    with indexes_rebuilt_if_large(conn, table, rows.height):
        insert_frame(conn, table, rows)


def matter_contacts(conn: Connection, matters: pl.DataFrame, start: datetime,
                    end: datetime) -> pl.DataFrame:
    """The stored contacts of the given matters (pseudonym, service) received from `start` to
    `end` inclusive, with their neighbours.

    Every stored contact of those days is read (by the `received_at` index; contacts have no
    index by matter, see `data.models.Contact`) and the matters are kept here. Joining a table
    of the matters in the database cost more than the rows it saved: SQLite built an index of
    the matters for each load (2.4 s of a 1,000,000-row file's load into a warehouse holding
    its previous year, where reading the days' 170,000 rows takes 0.3 s), and the days are
    read whole either way.
    """
    c = Contact.__table__.c
    stored = read_frame(conn, select(c.source_system, c.contact_id, *(c[m] for m in MATTER),
                                     c.received_at, c.prev_matter_at, c.next_matter_at)
                        .where(c.received_at >= start, c.received_at <= end), many=True)
    return stored.join(matters.select(MATTER), on=MATTER, how="semi")


def update_neighbours(conn: Connection, moved: pl.DataFrame) -> None:
    """Write new prev/next neighbour instants for stored contacts."""
    if moved.height == 0:
        return
    new = _filled(conn, NEIGHBOURS, moved.select("source_system", "contact_id", "prev_matter_at",
                                                 "next_matter_at"))
    contacts = Contact.__table__
    conn.execute(update(contacts)
                 .values(prev_matter_at=new.c.prev_matter_at, next_matter_at=new.c.next_matter_at)
                 .where(contacts.c.source_system == new.c.source_system,
                        contacts.c.contact_id == new.c.contact_id))
