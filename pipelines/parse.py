"""Reading a canonical CSV file and turning its text cells into typed columns.

Whole-file problems (not UTF-8, empty, not CSV, a required column missing) raise `RejectedFile`
and nothing is loaded. Cell problems are returned as messages per row, for the quarantine.
Everything here is vectorised: a million rows parse in a few seconds on a small machine.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from data.vocabulary import LONDON
from pipelines.feeds import Column, Feed

ROW = "_row"  # 0-based record index in the file, kept through every step

TRUE = ("true", "yes", "y", "1")
FALSE = ("false", "no", "n", "0")

# Formats of feeds.md. chrono's %d, %m and %H also accept one digit, as spreadsheets write them.
TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M",
                     "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
OFFSET = r"\s*([Zz]|[+-]\d{2}(?::?\d{2})?)$"
NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class RejectedFile(Exception):
    """The whole file is refused; the message says why in words a data officer can act on."""


@dataclass
class RawFile:
    """A file's records as text cells (only the feed's columns, header names normalised)."""

    frame: pl.DataFrame
    original: pl.DataFrame  # _row and every column of the file, cells exactly as read
    unknown_columns: list[str]
    blank_rows: int
    shape_errors: dict[int, str]  # record index -> message, for rows with too many fields
    # What a source adapter (`pipelines.sources`) adds; a canonical file leaves the defaults.
    # By _row: the number that messages and the quarantine show (else the spreadsheet row).
    row_numbers: pl.Series | None = None
    row_word: str = "row"  # what that number counts: row, line or record
    # Problems found before validation: _row, column ('' for the whole record), message. A
    # cell's problem stands in for "a value is required"; a whole record's for every rule.
    early_problems: pl.DataFrame | None = None
    # The source records of some rows as the quarantine keeps them (identifiers pseudonymised,
    # comments masked, columns no mapping reads withheld), in place of `original`.
    source_text: Callable[[list[int]], list[str]] | None = None

    def numbers(self, rows: pl.Series) -> pl.Series:
        """The numbers that messages and the quarantine show for these records."""
        if self.row_numbers is None:
            return rows.cast(pl.Int64) + spreadsheet_row(0)
        return self.row_numbers.gather(rows).cast(pl.Int64)


def read_raw(data: bytes, feed: Feed, file_name: str) -> RawFile:
    text = _decode(data, file_name)
    if not text.strip():
        raise RejectedFile(f"{file_name}: the file is empty")
    header_names, frame, shape_errors = _read_csv(text, file_name)
    normalised = [h.strip().lower() for h in header_names]
    seen: set[str] = set()
    for name in normalised:
        if name and name in seen:
            raise RejectedFile(f"{file_name}: column '{name}' appears more than once in the header")
        seen.add(name)
    missing = [c for c in feed.required if c not in seen]
    if missing:
        raise RejectedFile(f"{file_name}: missing required column(s): {', '.join(missing)}")
    known = {c.name for c in feed.columns}
    # The reader may have renamed columns (polars: `x_duplicated_0`; the slow path: `c0`, `c1`):
    # the original frame carries the file's own header names, which are unique by now.
    original = frame.rename({old: new for old, new in zip(frame.columns, header_names)
                             if new.strip()}).with_row_index(ROW)
    normalised = [n if n else old for n, old in zip(normalised, original.columns[1:])]
    frame = original.rename(dict(zip(original.columns[1:], normalised)))
    # A row of empty (or blank) cells, such as a spreadsheet's trailing `,,,`, is no record.
    # Only rows whose first cell is blank can be: the other cells are checked for those alone.
    first_blank = frame.filter(_blank(normalised[0])) if normalised else frame.clear()
    blank = first_blank.filter(pl.all_horizontal(_blank(c) for c in normalised)).get_column(ROW)
    blank_rows = blank.len()
    if blank_rows:
        frame = frame.filter(~pl.col(ROW).is_in(blank.implode()))
    for c in feed.columns:
        if c.name not in seen:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(c.name))
    return RawFile(
        frame=frame.select(ROW, *(c.name for c in feed.columns)),
        original=original,
        unknown_columns=[n for n in normalised if n not in known],
        blank_rows=blank_rows,
        shape_errors=shape_errors,
    )


def _blank(name: str) -> pl.Expr:
    cell = pl.col(name)
    return cell.is_null() | (cell.str.strip_chars().str.len_bytes() == 0)


def _decode(data: bytes, file_name: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise RejectedFile(
            f"{file_name}: not UTF-8 text (byte 0x{data[e.start]:02X} on line {line}); "
            "save the file as UTF-8 and send it again") from None
    return text.removeprefix("\ufeff")


def _read_csv(text: str, file_name: str) -> tuple[list[str], pl.DataFrame, dict[int, str]]:
    try:
        frame = pl.read_csv(text.encode(), infer_schema=False, empty_string_is_null=False,
                            raise_if_empty=False)
        # polars renames a repeated header name (`service_duplicated_0`): take the names as
        # written, so that a repeated column is seen and the file refused.
        header = next(csv.reader(io.StringIO(text, newline="")), [])
        return (header if len(header) == frame.width else list(frame.columns)), frame, {}
    except pl.exceptions.PolarsError:
        # Rows with too many fields stop polars; the csv module reads them one by one instead,
        # so that only the malformed rows are quarantined.
        return _read_csv_slowly(text, file_name)


def _read_csv_slowly(text: str, file_name: str) -> tuple[list[str], pl.DataFrame, dict[int, str]]:
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as e:
        raise RejectedFile(f"{file_name}: not a readable CSV file ({e})") from None
    header, rows = records[0], records[1:]
    width = len(header)
    shape_errors = {}
    for i, row in enumerate(rows):
        if len(row) > width:
            shape_errors[i] = f"row has {len(row)} fields but the header has {width}"
        if len(row) != width:
            rows[i] = (row + [None] * width)[:width]
    columns = {f"c{j}": [r[j] if r else None for r in rows] for j in range(width)}
    frame = pl.DataFrame(columns, schema={f"c{j}": pl.String for j in range(width)})
    return header, frame, shape_errors


def spreadsheet_row(record: int) -> int:
    """The row a spreadsheet shows a record on: the header is row 1, and a quoted line break
    stays inside its row."""
    return record + 2


# ---- cells -> typed columns -------------------------------------------------------------------

@dataclass
class Parsed:
    """Typed columns (unparseable cells null) and, per row, the cell problems found."""

    frame: pl.DataFrame
    problems: pl.DataFrame  # columns: _row, message


def parse_cells(raw: pl.DataFrame, feed: Feed) -> Parsed:
    trimmed = raw.with_columns(
        pl.col(c.name).str.strip_chars().replace("", None) for c in feed.columns)
    for name, value in feed.defaults.items():
        trimmed = trimmed.with_columns(pl.col(name).fill_null(value))
    typed_exprs, bad_exprs = [], []
    stamps = [c.name for c in feed.columns if c.kind == "timestamp"]
    for col in feed.columns:
        if col.kind == "timestamp":
            continue
        typed, bad_message = _typed(col, feed)
        typed_exprs.append(typed.alias(col.name))
        if bad_message is not None:
            bad_exprs.append(bad_message.alias(col.name))
    typed = trimmed.select(ROW, *typed_exprs)
    messages = trimmed.select(ROW, *bad_exprs)
    for name in stamps:
        values, bad = parse_timestamps(trimmed.get_column(name))
        typed = typed.with_columns(values.alias(name))
        messages = messages.with_columns(bad.alias(name))
    typed = typed.select(ROW, *(c.name for c in feed.columns))
    problems = _problems(messages) if messages.width > 1 else _no_problems()
    return Parsed(frame=typed, problems=problems)


def _problems(messages: pl.DataFrame) -> pl.DataFrame:
    long = messages.unpivot(index=ROW, value_name="message").drop_nulls("message")
    return long.select(ROW, pl.format("{}: {}", "variable", "message").alias("message"))


def _no_problems() -> pl.DataFrame:
    return pl.DataFrame(schema={ROW: pl.UInt32, "message": pl.String})


def _typed(col: Column, feed: Feed) -> tuple[pl.Expr, pl.Expr | None]:
    """The typed expression for a column and the message expression for unparseable cells."""
    cell = pl.col(col.name)
    if col.kind == "text":
        return cell, None
    if col.kind == "enum":
        normal = enum_key(cell)
        nulls = feed.null_values.get(col.name, ())
        if nulls:
            normal = pl.when(normal.is_in(nulls)).then(None).otherwise(normal)
        return normal, None
    if col.kind == "bool":
        lower = cell.str.to_lowercase()
        typed = pl.when(lower.is_in(TRUE)).then(True).when(lower.is_in(FALSE)).then(False)
        return typed, _unless(cell, typed, "not true/false, yes/no, y/n or 1/0")
    if col.kind == "int":
        typed = pl.when(cell.str.contains(r"^[+-]?\d{1,15}$")).then(
            cell.cast(pl.Int64, strict=False))
        return typed, _unless(cell, typed, "not a whole number")
    if col.kind == "number":
        typed = pl.when(cell.str.contains(NUMBER)).then(cell.cast(pl.Float64, strict=False))
        return typed, _unless(cell, typed, "not a number")
    if col.kind == "month":
        typed = pl.when(cell.str.contains(MONTH)).then(cell)
        return typed, _unless(cell, typed, "not a month (YYYY-MM)")
    typed = _date(cell)
    return typed, _unless(cell, typed, "not a date (YYYY-MM-DD or DD/MM/YYYY)")


def enum_key(cell: pl.Expr) -> pl.Expr:
    """An enum value as feeds.md matches it: lower case, spaces and hyphens as underscores."""
    return cell.str.to_lowercase().str.replace_all(r"[\s\-]+", "_")


def _unless(cell: pl.Expr, typed: pl.Expr, message: str) -> pl.Expr:
    return pl.when(cell.is_not_null() & typed.is_null()).then(
        pl.format("'{}' is " + message, cell))


def _date(cell: pl.Expr) -> pl.Expr:
    return pl.coalesce(cell.str.strptime(pl.Date, f, strict=False) for f in DATE_FORMATS)


def parse_timestamps(cells: pl.Series, formats: tuple[str, ...] = (),
                     zone: str = LONDON) -> tuple[pl.Series, pl.Series]:
    """UTC instants for timestamp cells, and a message for each cell that is not one.

    Without an offset a cell is wall-clock time in `zone` (Europe/London unless a source says
    otherwise), read with `formats` first and then the forms of feeds.md: the hour skipped when
    the clocks go forward is invalid, the hour repeated when they go back is read as its first
    occurrence, per feeds.md. With one (Z, +01, +0100, +01:00) the instant is absolute. Cells
    with an offset are rare, so only the cells that fail the plain formats are searched for
    one: strptime over a million cells is many times faster than any regular expression.
    """
    wall = _wall(cells, formats)
    typed = wall.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null") \
        .dt.convert_time_zone("UTC")
    where = "UK" if zone == LONDON else zone
    message = pl.select(
        pl.when(wall.is_not_null() & typed.is_null())
        .then(pl.format(f"'{{}}' does not exist in {where} time (the clocks went forward that "
                        "hour)", pl.lit(cells)))
        .otherwise(None)).to_series()
    unread = (wall.is_null() & cells.is_not_null()).arg_true()
    if unread.len():
        rest = cells.gather(unread)
        absolute = _with_offset(rest)
        typed = typed.scatter(unread, absolute)
        message = message.scatter(unread, pl.select(
            pl.when(pl.lit(absolute).is_null())
            .then(pl.format("'{}' is not a timestamp (YYYY-MM-DD HH:MM[:SS] or "
                            "DD/MM/YYYY HH:MM[:SS])", pl.lit(rest)))).to_series())
    return typed, message


def _wall(cells: pl.Series, formats: tuple[str, ...] = ()) -> pl.Series:
    """Wall-clock times in the first of the formats that reads each cell. Each format is tried
    only on the cells the ones before it could not read: most files use one format throughout.
    `formats` come first, in their order; the forms of feeds.md (no cell reads in two of them)
    in order of how many of the first cells each reads."""
    sample = cells.drop_nulls().head(100)
    ours = sorted(TIMESTAMP_FORMATS, key=lambda f: -sample.str.strptime(
        pl.Datetime("us"), f, strict=False).is_not_null().sum())
    first, *others = (*formats, *ours)
    wall = cells.str.strptime(pl.Datetime("us"), first, strict=False)
    for pattern in others:
        unread = (wall.is_null() & cells.is_not_null()).arg_true()
        if not unread.len():
            break
        wall = wall.scatter(unread, cells.gather(unread).str.strptime(
            pl.Datetime("us"), pattern, strict=False))
    return wall


def _with_offset(cells: pl.Series) -> pl.Series:
    """Instants for cells that end in a UTC offset; null for anything else."""
    frame = pl.DataFrame({"offset": cells.str.extract(OFFSET, 1),
                          "wall": _wall(cells.str.replace(OFFSET, ""))})
    digits = pl.col("offset").str.replace_all(r"\D", "")
    minutes = (digits.str.slice(0, 2).cast(pl.Int64, strict=False).fill_null(0) * 60
               + digits.str.slice(2, 2).cast(pl.Int64, strict=False).fill_null(0))
    signed = pl.when(pl.col("offset").str.starts_with("-")).then(-minutes).otherwise(minutes)
    return frame.select(pl.when(pl.col("offset").is_not_null()).then(
        (pl.col("wall") - pl.duration(minutes=signed)).dt.replace_time_zone("UTC"))).to_series()
