"""The warehouse connection: SQLite under `data/` by default, anything SQLAlchemy speaks when
`WAREHOUSE_URL` says so (PostgreSQL in production)."""

import time
from functools import lru_cache

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.schema import CreateColumn
from sqlmodel import SQLModel

from data import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from data.connect import connect_engine
from data.location import warehouse_url
from data.reference import seed_reference
from data.run_lock import setup_lock
from data.versions import install

SETUP_ATTEMPTS = 5
# Indexes that older warehouses have and this version no longer keeps (see `data.models`): each
# would cost every load its upkeep for nothing.
RETIRED_INDEXES = {"fct_contacts": ("ix_contacts_matter",)}


def make_engine(url: str) -> Engine:
    """An engine with the tables (and the version triggers) created and the reference data
    seeded."""
    engine = connect_engine(url)
    for attempt in range(SETUP_ATTEMPTS):
        try:
            with setup_lock(engine):
                SQLModel.metadata.create_all(engine)
                _add_missing_columns(engine)
                _drop_retired_indexes(engine)
                install(engine)
                seed_reference(engine)
            return engine
        except (OperationalError, IntegrityError) as e:
            # Two first runs at once on SQLite: the other process created a table or seeded a
            # row between this one's look and its write. Looking again finds it there.
            if attempt == SETUP_ATTEMPTS - 1 or not _raced(e):
                raise
            time.sleep(0.1 * (attempt + 1))
    return engine


def _raced(error: DBAPIError) -> bool:
    message = str(error.orig)
    return isinstance(error, IntegrityError) or "already exists" in message \
        or "database is locked" in message


def _add_missing_columns(engine: Engine) -> None:
    """Give a warehouse created before a column was added to its table that column, empty.

    `create_all` creates missing tables but never alters an existing one. Only nullable columns
    are ever added to a table, so existing rows stay valid. The statement names a table and a
    column of the models, never a value.
    """
    missing = []
    with engine.connect() as conn:
        inspector = inspect(conn)
        for table in SQLModel.metadata.sorted_tables:
            have = {c["name"] for c in inspector.get_columns(table.name)}
            missing += [(table, c) for c in table.columns if c.name not in have]
    for table, column in missing:
        if not column.nullable:
            raise RuntimeError(f"{table.name}.{column.name} cannot be added to existing rows")
        ddl = CreateColumn(column).compile(dialect=engine.dialect)
        try:
            with engine.begin() as conn:
                conn.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN {ddl}'))
        except DBAPIError:
            # Another process starting on the same warehouse added it first.
            with engine.connect() as conn:
                if column.name not in {c["name"] for c in inspect(conn).get_columns(table.name)}:
                    raise


def _drop_retired_indexes(engine: Engine) -> None:
    """Drop `RETIRED_INDEXES` where they remain. Looked for first, so that a server starting
    while a load runs does not wait for its lock; the statement names an index of ours, never a
    value."""
    with engine.connect() as conn:
        inspector = inspect(conn)
        found = [name for table, names in RETIRED_INDEXES.items()
                 if inspector.has_table(table)
                 for index in inspector.get_indexes(table) if (name := index["name"]) in names]
    for name in found:
        with engine.begin() as conn:
            conn.execute(text(f'DROP INDEX IF EXISTS "{name}"'))


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url`, else for `WAREHOUSE_URL` as it is now; one per URL per process."""
    return _engine_for(url or warehouse_url())


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    return make_engine(url)
