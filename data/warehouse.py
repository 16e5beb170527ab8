"""The warehouse connection: SQLite under `data/` by default, anything SQLAlchemy speaks when
`WAREHOUSE_URL` says so (PostgreSQL in production)."""

import os
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlmodel import SQLModel

from data import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from data.reference import seed_reference
from data.versions import install

DEFAULT_PATH = Path(__file__).resolve().parent / "warehouse.db"


def warehouse_url() -> str:
    return os.environ.get("WAREHOUSE_URL") or f"sqlite:///{DEFAULT_PATH}"


def make_engine(url: str) -> Engine:
    """An engine with the tables (and the version triggers) created and the reference data
    seeded."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    SQLModel.metadata.create_all(engine)
    install(engine)
    seed_reference(engine)
    return engine


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url`, else for `WAREHOUSE_URL` as it is now; one per URL per process."""
    return _engine_for(url or warehouse_url())


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite's own implicit transactions start late and skip DDL; we issue BEGIN ourselves so
    # that a whole file's load is one transaction.
    dbapi_connection.isolation_level = None
    # WAL lets the dashboard read while a load writes; NORMAL sync is still crash-safe in WAL.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # 256 MB of page cache: index maintenance during large loads stays in memory.
    cursor.execute("PRAGMA cache_size=-262144")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN")
