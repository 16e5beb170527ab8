"""Moving polars frames in and out of the warehouse, fast, inside the caller's transaction.

There is one writer per dialect so that each stores one format: on SQLite, timestamps are UTC
text `YYYY-MM-DD HH:MM:SS.ffffff` (SQLAlchemy's own format, which `data.types.UtcDateTime`
binds), dates `YYYY-MM-DD`, booleans 0/1; PostgreSQL gets native types through COPY. The reader
runs a SQLAlchemy Core `Select` (bound parameters, compiled for the dialect) and builds the
frame from the driver's raw rows (or, for many rows on PostgreSQL, COPY's text), without
SQLAlchemy's per-row result processing; either dialect's rows come back as the same polars
dtypes.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain, islice
from pathlib import Path

import polars as pl
from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    Integer,
    Select,
    Table,
    case,
    column,
    func,
    insert,
    literal,
    literal_column,
    select,
)
from sqlalchemy import table as table_clause
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql.compiler import Compiled
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.types import TypeDecorator

SQLITE_TIMESTAMP = "%Y-%m-%d %H:%M:%S%.6f"
LARGE_BATCH = 100_000
# From this many rows a frame goes to SQLite through a scratch file (`staged_inserts`).
STAGED_ROWS = 50_000
_STAGING = "once_and_done_staging"
_SCRATCH = "once-and-done-load-"  # then the loading process's id
_LINE_END = "once_and_done_line_end"
_PG_CLASS = table_clause("pg_class", column("oid"), column("reltuples"), column("relpages"))
ROWS_PER_STATEMENT = 100
SQLITE_VALUES = 32_766  # the most values one SQLite statement binds


def polars_dtype(sa_type: TypeEngine) -> pl.DataType:
    if isinstance(sa_type, TypeDecorator):
        sa_type = sa_type.impl_instance
    if isinstance(sa_type, DateTime):
        return pl.Datetime("us", "UTC")
    if isinstance(sa_type, Date):
        return pl.Date
    if isinstance(sa_type, Boolean):
        return pl.Boolean
    python_type = sa_type.python_type
    if python_type is int:
        return pl.Int64
    if python_type is float:
        return pl.Float64
    return pl.String


def schema_of(table: Table, columns: list[str] | None = None) -> dict[str, pl.DataType]:
    names = columns or [c.name for c in table.columns]
    return {n: polars_dtype(table.c[n].type) for n in names}


def read_frame(conn: Connection, query: Select, schema: dict[str, pl.DataType] | None = None,
               many: bool = False) -> pl.DataFrame:
    """The query's rows as a frame, one column per selected column (named by its label).

    Dtypes follow the selected columns' types unless `schema` (name -> dtype, in the query's
    order) says otherwise, e.g. for an aggregate whose type SQLAlchemy cannot know. `many`: the
    query may return many rows (a period's contacts, a fact table); on PostgreSQL they then come
    through COPY (`_copied_out`), a third of the time for millions of rows, but 3 ms more for
    a handful.
    """
    schema = schema or {c.key: polars_dtype(c.type) for c in query.selected_columns}
    if many and conn.dialect.name == "postgresql":
        return _copied_out(conn, query, schema)
    result = conn.execute(query)
    # The driver's own rows: SQLAlchemy's per-row processing costs seconds on millions of rows.
    rows = result.cursor.fetchall()
    result.close()
    raw_schema = {n: _wire_dtype(conn, t) for n, t in schema.items()}
    frame = pl.DataFrame(rows, schema=raw_schema, orient="row")
    return frame.with_columns(_from_wire(conn, n, t) for n, t in schema.items())


def _copied_out(conn: Connection, query: Select, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """PostgreSQL's rows as CSV text (`COPY (query) TO STDOUT`), which polars reads without a
    Python object per value: the driver's rows cost several times as much on millions of rows.

    The statement is SQLAlchemy's, its parameters bound by psycopg as in any execute. In the
    CSV, NULL is an unquoted empty field and '' a quoted one (polars keeps them apart). Every
    line ends in a constant column, so that a row whose one column is NULL is not a blank line
    (which readers skip).
    """
    compiled = query.add_columns(literal_column("0").label(_LINE_END)).compile(
        dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    payload = bytearray()
    with _copying(conn, f"COPY ({compiled.string}) TO STDOUT WITH (FORMAT csv)",
                  _driver_params(compiled)) as copy:
        for block in copy:
            payload += block
    wire = {n: pl.String if isinstance(t, pl.Datetime) or t == pl.Boolean else t
            for n, t in schema.items()}
    frame = pl.read_csv(bytes(payload), has_header=False, schema={**wire, _LINE_END: pl.Int8},
                        raise_if_empty=False).drop(_LINE_END)
    return frame.with_columns(_from_copy(n, t) for n, t in schema.items())


def _driver_params(compiled: Compiled) -> dict:
    """The compiled statement's parameters, each bound through its type as `execute` binds it
    (`data.types.UtcDateTime`), a refused value raised as `execute` raises it; the items of an
    IN list are named after the list's parameter."""
    params = {}
    for name, value in compiled.params.items():
        bind = compiled.binds.get(name)
        if bind is None:
            bind = compiled.binds[name.rsplit("_", 1)[0]]
        process = bind.type.bind_processor(compiled.dialect)
        try:
            params[name] = process(value) if process else value
        except (TypeError, ValueError) as e:
            raise StatementError(f"({type(e).__name__}) {e}", compiled.string, None, e) from e
    return params


@contextmanager
def _copying(conn: Connection, statement: str, params: dict | None = None) -> Iterator:
    """A COPY through psycopg (SQLAlchemy has none), seen as SQLAlchemy's own statements are:
    listeners of `before_cursor_execute` are told of it, and the driver's errors are raised as
    SQLAlchemy raises them (`data.connect.unavailable` reads those), without the parameters,
    which may be feed values."""
    dbapi = conn.dialect.loaded_dbapi
    cursor = conn.connection.driver_connection.cursor()
    conn.dispatch.before_cursor_execute(conn, cursor, statement, params, None, False)
    try:
        with cursor.copy(statement, params) as copy:
            yield copy
    except dbapi.Error as e:
        lost = conn.dialect.is_disconnect(e, conn.connection.dbapi_connection, cursor)
        if lost:
            conn.invalidate(e)  # as SQLAlchemy does: the pool hands out no lost connection
        raise DBAPIError.instance(statement, None, e, dbapi.Error,
                                  connection_invalidated=lost) from e
    finally:
        cursor.close()


def insert_frame(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    """Append the frame's rows (columns named as the table's) to the table."""
    if frame.height == 0:
        return
    frame = frame.select([c for c in frame.columns if c in table.c])
    if conn.dialect.name == "postgresql":
        _copy_postgres(conn, table, frame)
    elif frame.height >= STAGED_ROWS and _STAGING in conn.info:
        _insert_staged(conn, table, _to_sqlite(frame))
    else:
        _executemany(conn, table, _to_sqlite(frame))


@contextmanager
def staged_inserts(conn: Connection) -> Iterator[None]:
    """Within the block, `insert_frame` sends a large frame to SQLite through a scratch file.

    The frame is written to a file of its own through ADBC (Arrow's database connectivity: the
    values go from polars' memory to SQLite without a Python object each), which the connection
    attaches and copies from with one `INSERT ... SELECT`, inside the caller's transaction: a
    write of a million rows costs about a third less CPU than binding each row's values from
    Python. The files are detached and deleted when the block ends, after the transaction (a
    database read in a transaction cannot be detached before it ends). Open the block outside
    the transaction; on PostgreSQL it does nothing (`COPY` is faster still).
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    _remove_orphaned_scratch()
    with tempfile.TemporaryDirectory(prefix=f"{_SCRATCH}{os.getpid()}-") as folder:
        conn.info[_STAGING] = (Path(folder), [])
        try:
            yield
        finally:
            _, attached = conn.info.pop(_STAGING)
            cursor = conn.connection.driver_connection.cursor()
            for name in attached:
                cursor.execute(f"DETACH DATABASE {name}")
            cursor.close()


def _remove_orphaned_scratch() -> None:
    """Delete the scratch folders of loads whose process has gone (killed part-way: a crash
    leaves the warehouse as it was, and no rows behind in the temporary folder either)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_SCRATCH}*-*"):
        pid = folder.name.removeprefix(_SCRATCH).split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def _insert_staged(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    # Imported here: only a load's large writes need ADBC.
    import adbc_driver_manager  # noqa: PLC0415
    import adbc_driver_sqlite  # noqa: PLC0415

    folder, attached = conn.info[_STAGING]
    # ADBC links a copy of SQLite of its own, so it only ever opens a scratch file, closed before
    # the warehouse's connection attaches it: two copies of SQLite on one file in one process
    # undo each other's POSIX locks (reading the warehouse itself through ADBC, for the
    # dashboard's sources in 0.3 s instead of 1.1, broke the next read of the process's own
    # connection with "disk I/O error", 2026-12-02).
    # A file per frame: the transaction keeps reading each file it has copied from.
    name = f"load_stage_{len(attached)}"
    path = folder / f"{name}.db"
    with adbc_driver_sqlite.connect(str(path)) as database, \
            adbc_driver_manager.AdbcConnection(database) as connection, \
            adbc_driver_manager.AdbcStatement(connection) as statement:
        # A scratch file: no journal, no waiting for the disk.
        for pragma in ("PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF"):
            statement.set_sql_query(pragma)
            statement.execute_update()
        connection.set_autocommit(False)
        statement.set_options(**{"adbc.ingest.target_table": "rows",
                                 "adbc.ingest.mode": "adbc.ingest.mode.create"})
        statement.bind_stream(frame.__arrow_c_stream__())
        statement.execute_update()
        connection.commit()
    conn.exec_driver_sql(f"ATTACH DATABASE ? AS {name}", (str(path),))
    attached.append(name)
    staged = table_clause("rows", *(column(c) for c in frame.columns), schema=name)
    target = table_clause(table.name, *(column(c) for c in frame.columns))
    conn.execute(insert(target).from_select(frame.columns, select(*staged.c)))


@contextmanager
def indexes_rebuilt_if_large(conn: Connection, table: Table, adding: int):
    """Drop a table's secondary indexes while a large batch goes in, then build them again.

    Building an index once over sorted data is several times cheaper than growing it row by row
    when a batch is a large share of the table. Both steps are inside the caller's transaction.
    A batch is large from `LARGE_BATCH` rows and a quarter of the table's rows (rounded down).
    Whether the table holds that few is never asked by counting the table: the cost follows the
    batch, not the history (`_holds_more_than`).
    """
    large = adding >= LARGE_BATCH and not _holds_more_than(conn, table, 4 * adding + 3)
    if not large:
        yield
        return
    for index in table.indexes:
        index.drop(conn)
    yield
    for index in table.indexes:
        index.create(conn)


def _holds_more_than(conn: Connection, table: Table, rows: int) -> bool:
    """Whether the table holds more than `rows` rows. On PostgreSQL the planner's estimate
    answers when it says more: reading millions of rows to be sure took 13.8 s of a load into
    30,000,000 contacts. Otherwise at most `rows` rows are read, cheap for a table that small."""
    if conn.dialect.name == "postgresql" and _planner_rows(conn, table) > rows:
        return True
    return conn.execute(
        select(literal(1)).select_from(table).limit(1).offset(rows)).first() is not None


def _planner_rows(conn: Connection, table: Table) -> float:
    """The table's rows as PostgreSQL's planner estimates them: the rows per page of its last
    ANALYZE (or index build) times the pages the table has now, so that rows loaded since still
    count (`reltuples` alone read 5,000,000 on a table of 31,000,000); 0 when never measured."""
    pg = _PG_CLASS.c
    pages_now = func.pg_relation_size(pg.oid) / func.current_setting("block_size").cast(Integer)
    estimate = conn.execute(select(case(
        (pg.relpages > 0, pg.reltuples / pg.relpages * pages_now), else_=pg.reltuples))
        .where(pg.oid == func.to_regclass(table.name))).scalar()
    return float(estimate or 0)


def _to_sqlite(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        [pl.col(n).dt.convert_time_zone("UTC").dt.strftime(SQLITE_TIMESTAMP)
         for n, t in frame.schema.items() if isinstance(t, pl.Datetime)]
        + [pl.col(n).dt.strftime("%Y-%m-%d") for n, t in frame.schema.items() if t == pl.Date]
        + [pl.col(n).cast(pl.Int8) for n, t in frame.schema.items() if t == pl.Boolean])


def _executemany(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    # Core writes the statements (with the driver's placeholders); the driver's executemany
    # sends the rows, several times faster than SQLAlchemy's own per-row parameter handling,
    # and sends them `ROWS_PER_STATEMENT` to a statement: each statement's step costs SQLite
    # about as much again as binding one row's values.
    # (A bare table clause of the frame's columns: the Table's own would add its defaults.)
    target = table_clause(table.name, *(column(c) for c in frame.columns))
    one = insert(target).compile(dialect=conn.dialect, column_keys=frame.columns)
    per = max(1, min(ROWS_PER_STATEMENT, SQLITE_VALUES // frame.width))
    many = insert(target).values([dict.fromkeys(frame.columns)] * per).compile(
        dialect=conn.dialect)
    rows = zip(*(frame.get_column(c).to_list() for c in one.positiontup))
    cursor = conn.connection.driver_connection.cursor()
    cursor.executemany(str(many), (tuple(chain.from_iterable(islice(rows, per)))
                                   for _ in range(frame.height // per)))
    cursor.executemany(str(one), rows)
    cursor.close()


def _copy_postgres(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    quote = conn.dialect.identifier_preparer.quote
    columns = ", ".join(quote(c) for c in frame.columns)
    # Text is sent as CSV, where an unquoted empty field is NULL and a quoted "" is ''.
    payload = frame.with_columns(
        pl.col(n).dt.strftime("%Y-%m-%d %H:%M:%S%.6f+00")
        for n, t in frame.schema.items() if isinstance(t, pl.Datetime)
    ).write_csv(include_header=False, quote_style="non_numeric", null_value="")
    with _copying(conn, f"COPY {quote(table.name)} ({columns}) FROM STDIN WITH (FORMAT csv)"
                  ) as copy:
        copy.write(payload.encode())


def _wire_dtype(conn: Connection, dtype: pl.DataType) -> pl.DataType:
    if conn.dialect.name == "sqlite" and (isinstance(dtype, pl.Datetime) or dtype == pl.Date):
        return pl.String
    if conn.dialect.name == "sqlite" and dtype == pl.Boolean:
        return pl.Int64
    if isinstance(dtype, pl.Datetime):
        return pl.Datetime("us", "UTC")
    return dtype


def _from_wire(conn: Connection, name: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if conn.dialect.name == "sqlite":
        if isinstance(dtype, pl.Datetime):
            return col.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us", time_zone="UTC")
        if dtype == pl.Date:
            return col.str.to_date("%Y-%m-%d")
    return col.cast(dtype)


def _from_copy(name: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if isinstance(dtype, pl.Datetime):
        # The session's time zone gives the offset (`+00`, `+01`, `+05:30`).
        return col.str.to_datetime("%Y-%m-%d %H:%M:%S%.f%#z", time_unit="us", time_zone="UTC")
    if dtype == pl.Boolean:
        return col == "t"
    return col
