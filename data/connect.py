"""Reaching the warehouse with SQLAlchemy alone: an engine with the SQLite settings
every connection needs, and what a failure to reach it means.

Kept apart from `data.warehouse` (which creates the tables, and so imports the models) so that
a command that only needs to look at the warehouse (a re-sent file, `pipelines.resent`) starts in a
fraction of a second.
"""

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

# PostgreSQL's codes for a write refused by the server's own settings: a read-only transaction
# (a standby, `default_transaction_read_only`), and a role without the privilege.
REFUSED_WRITES = ("25006", "42501")


def connect_engine(url: str) -> Engine:
    """An engine for `url`, its connections set up as every load and page expects; the tables
    are not looked at (`data.warehouse.make_engine` does that)."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


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


def unavailable(error: BaseException) -> str | None:
    """What went wrong, in one line, when `error` says the warehouse could not be reached or
    written (no server, a read-only or full disk, a refused write); None for anything else.
    Only the driver's own first line is given: SQLAlchemy's text would repeat the statement's
    parameters, which may be feed values."""
    if not isinstance(error, DBAPIError):
        return None
    code = getattr(error.orig, "sqlstate", None)
    if not isinstance(error, (OperationalError, InterfaceError)) and code not in REFUSED_WRITES:
        return None
    return (str(error.orig).strip().splitlines() or [type(error.orig).__name__])[0]
