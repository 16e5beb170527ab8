"""Moving polars frames in and out of the warehouse, fast, inside the caller's transaction.

There is one writer per dialect so that each stores one format: on SQLite, timestamps are UTC
text `YYYY-MM-DD HH:MM:SS.ffffff` (SQLAlchemy's own format), dates `YYYY-MM-DD`, booleans 0/1;
PostgreSQL gets native types through COPY. Readers turn either back into the same polars dtypes.
"""

from contextlib import contextmanager
from datetime import UTC, date, datetime

import polars as pl
from sqlalchemy import Boolean, Connection, Date, DateTime, Table, func, select
from sqlalchemy.sql.type_api import TypeEngine

SQLITE_TIMESTAMP = "%Y-%m-%d %H:%M:%S%.6f"
LARGE_BATCH = 100_000


def polars_dtype(sa_type: TypeEngine) -> pl.DataType:
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


def insert_frame(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    """Append the frame's rows (columns named as the table's) to the table."""
    if frame.height == 0:
        return
    frame = frame.select([c for c in frame.columns if c in table.c])
    if conn.dialect.name == "postgresql":
        _copy_postgres(conn, table.name, frame)
    else:
        _executemany(conn, table.name, _to_sqlite(frame))


@contextmanager
def indexes_rebuilt_if_large(conn: Connection, table: Table, adding: int):
    """Drop a table's secondary indexes while a large batch goes in, then build them again.

    Building an index once over sorted data is several times cheaper than growing it row by row
    when a batch is a large share of the table. Both steps are inside the caller's transaction.
    """
    existing = conn.execute(select(func.count()).select_from(table)).scalar_one()
    if adding < max(LARGE_BATCH, existing // 4):
        yield
        return
    for index in table.indexes:
        index.drop(conn)
    yield
    for index in table.indexes:
        index.create(conn)


def _to_sqlite(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        [pl.col(n).dt.convert_time_zone("UTC").dt.strftime(SQLITE_TIMESTAMP)
         for n, t in frame.schema.items() if isinstance(t, pl.Datetime)]
        + [pl.col(n).dt.strftime("%Y-%m-%d") for n, t in frame.schema.items() if t == pl.Date]
        + [pl.col(n).cast(pl.Int8) for n, t in frame.schema.items() if t == pl.Boolean])


def _executemany(conn: Connection, table: str, frame: pl.DataFrame) -> None:
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    marks = ", ".join("?" for _ in frame.columns)
    cursor = conn.connection.driver_connection.cursor()
    rows = zip(*(frame.get_column(c).to_list() for c in frame.columns))
    cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)
    cursor.close()


def _copy_postgres(conn: Connection, table: str, frame: pl.DataFrame) -> None:
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    # Text is sent as CSV, where an unquoted empty field is NULL and a quoted "" is ''.
    payload = frame.with_columns(
        pl.col(n).dt.strftime("%Y-%m-%d %H:%M:%S%.6f+00")
        for n, t in frame.schema.items() if isinstance(t, pl.Datetime)
    ).write_csv(include_header=False, quote_style="non_numeric", null_value="")
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN WITH (FORMAT csv)') as copy:
        copy.write(payload.encode())
    cursor.close()


def read_frame(conn: Connection, sql: str, schema: dict[str, pl.DataType],
               params: dict | tuple | None = None) -> pl.DataFrame:
    """Run a query (driver placeholders) and return its rows with the given polars dtypes."""
    cursor = conn.connection.driver_connection.cursor()
    cursor.execute(sql, params or ())
    rows = cursor.fetchall()
    cursor.close()
    names = list(schema)
    raw_schema = {n: _wire_dtype(conn, t) for n, t in schema.items()}
    frame = pl.DataFrame(rows, schema=raw_schema, orient="row")
    return frame.with_columns(_from_wire(conn, n, t) for n, t in schema.items()).select(names)


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
        if dtype == pl.Boolean:
            return col.cast(pl.Boolean)
    return col.cast(dtype)


def bind_value(conn: Connection, value):
    """A Python value as this dialect's writer stores it, for a bound parameter."""
    if conn.dialect.name != "sqlite":
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def placeholder(conn: Connection) -> str:
    """The driver's bound-parameter mark, for statements sent with `exec_driver_sql`."""
    return "%s" if conn.dialect.name == "postgresql" else "?"
