"""Reading a canonical CSV file and turning its text cells into typed columns.

Whole-file problems (not UTF-8, empty, not CSV, a required column missing) raise `RejectedFile`
and nothing is loaded. Cell problems are returned as messages per row, for the quarantine.
Everything here is vectorised: a million rows parse in a few seconds on a small machine.
"""

import csv
import io
import sys
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
# Header names are shown in messages; a longer one is cut (a 50 MB header line is not echoed).
SHOWN_NAME = 60

# The csv module refuses fields over 128 KiB with an error that would reject the whole file; an
# over-long cell is a row's problem (its length rule quarantines it), so there is no limit.
csv.field_size_limit(sys.maxsize)
NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class RejectedFile(Exception):
    """The whole file is refused; the message says why in words a data officer can act on."""


@dataclass
class RawFile:
    """A file's records as text cells (only the feed's columns, header names normalised)."""

    frame: pl.DataFrame
    original: pl.DataFrame  # _row and the feed's columns in the file's order, cells as read
    unknown_columns: list[str]  # by name only: their cells are never read into the warehouse
    blank_rows: int
    # record index -> message, for rows whose text is withheld: more or fewer fields than the
    # header (the cells may have shifted, so an identifier could sit under any column), or a
    # NUL byte (which no warehouse text column can hold).
    shape_errors: dict[int, str]
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
    if not text or text.isspace():  # as `not text.strip()`, without copying the text
        raise RejectedFile(f"{file_name}: the file is empty")
    # The text's own bytes, for polars: a valid file's bytes but for a byte-order mark.
    header_names, frame, shape_errors = _read_csv(text, data.removeprefix(BOM), file_name)
    if any("\x00" in h for h in header_names):
        raise RejectedFile(f"{file_name}: the header contains a NUL byte (not a text file?)")
    normalised = [h.strip().lower() for h in header_names]
    seen: set[str] = set()
    for name in normalised:
        if name and name in seen:
            raise RejectedFile(f"{file_name}: column '{_shown(name)}' appears more than once "
                               "in the header")
        seen.add(name)
    missing = [c for c in feed.required if c not in seen]
    if missing:
        raise RejectedFile(f"{file_name}: missing required column(s): {', '.join(missing)}")
    known = {c.name for c in feed.columns}
    # Only the feed's columns are read on: an unknown column may hold anything (a name, a phone
    # number), and its name may be one of ours (`_row`). The reader's own names stand in the
    # frame (polars: `x_duplicated_0`; the slow path: `c0`, `c1`).
    # A row of empty (or blank) cells, such as a spreadsheet's trailing `,,,`, is no record.
    # Only rows whose first cell is blank can be: the other cells are checked for those alone.
    maybe = frame.select(_blank(frame.columns[0])).to_series().arg_true()
    blank = maybe.filter(frame[maybe].select(
        pl.all_horizontal(_blank(c) for c in frame.columns)).to_series()).cast(pl.UInt32)
    blank_rows = blank.len()
    original = frame.select(pl.col(old).alias(new) for old, new in zip(frame.columns, normalised)
                            if new in known).with_row_index(ROW)
    columns = original.columns[1:]
    frame = original
    if blank_rows:
        frame = frame.filter(~pl.col(ROW).is_in(blank.implode()))
        shape_errors = {i: m for i, m in shape_errors.items() if i not in set(blank.to_list())}
    # Only a file with a NUL byte somewhere can have a cell with one.
    nul = frame.filter(pl.any_horizontal(pl.col(columns).str.contains("\x00", literal=True))
                       ) if "\x00" in text else frame.clear()
    if nul.height:
        for index in nul.get_column(ROW).to_list():
            shape_errors.setdefault(index, "row contains a NUL byte, which text cannot hold")
        # The row is quarantined for that; its cells are read without the byte.
        frame, original = (f.with_columns(pl.col(columns).str.replace_all("\x00", "", literal=True))
                           for f in (frame, original))
    if shape_errors and normalised[0] != feed.id_column:
        # Only a row's first cell cannot have shifted: an id elsewhere is withheld with the rest.
        original = original.with_columns(pl.when(~pl.col(ROW).is_in(list(shape_errors)))
                                         .then(pl.col(feed.id_column)).alias(feed.id_column))
    for c in feed.columns:
        if c.name not in seen:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(c.name))
    return RawFile(
        frame=frame.select(ROW, *(c.name for c in feed.columns)),
        original=original,
        unknown_columns=[_shown(n) for n in normalised if n not in known],
        blank_rows=blank_rows,
        shape_errors=shape_errors,
    )


def _shown(name: str) -> str:
    return name if len(name) <= SHOWN_NAME else f"{name[:SHOWN_NAME]}…"


def _blank(name: str) -> pl.Expr:
    cell = pl.col(name)
    return cell.is_null() | (cell.str.strip_chars().str.len_bytes() == 0)


BOM = "\ufeff".encode()


def _decode(data: bytes, file_name: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise RejectedFile(
            f"{file_name}: not UTF-8 text (byte 0x{data[e.start]:02X} on line {line}); "
            "save the file as UTF-8 and send it again") from None
    return text.removeprefix("\ufeff")


def _read_csv(text: str, data: bytes,
              file_name: str) -> tuple[list[str], pl.DataFrame, dict[int, str]]:
    try:
        frame = pl.read_csv(data, infer_schema=False, empty_string_is_null=False,
                            raise_if_empty=False)
    except pl.exceptions.PolarsError:
        # Rows with too many fields stop polars; the csv module reads them one by one instead,
        # so that only the malformed rows are quarantined.
        return _read_csv_slowly(text, file_name)
    # polars reads a row with too few fields as if its last cells were empty (and may read one
    # with too many), and renames a repeated header name (`service_duplicated_0`): the csv
    # module counts each row's fields and gives the names as written, so that a misaligned row
    # is seen and a repeated column refused.
    counted = _unquoted_widths(data)
    if counted is None:
        records = _records(text, file_name)
        header, widths = next(records, []), [len(r) for r in records]
    else:
        first_line = text[:text.find("\n")] if "\n" in text else text
        header, widths = next(_records(first_line, file_name), []), counted[1:].to_list()
    if len(widths) != frame.height:
        return _read_csv_slowly(text, file_name)
    return (header if len(header) == frame.width else list(frame.columns)), frame, \
        _misaligned(widths, len(header))


def _unquoted_widths(data: bytes) -> pl.Series | None:
    """Each line's number of fields, when no cell is quoted and lines end in LF or CRLF: each line
    is then one record and its fields are its commas plus one (none on a blank line), as the csv
    module counts them, in a fraction of its time. None otherwise: the csv module counts."""
    if b'"' in data or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return None
    # With no quote character in the file, reading it with `"` as the separator and no quoting
    # gives one cell per line: polars splits the lines on both cores.
    lines = pl.read_csv(data, has_header=False, separator='"', quote_char=None,
                        infer_schema=False, empty_string_is_null=False,
                        new_columns=["line"]).get_column("line")
    return pl.select(pl.when(lines.is_in(["", "\r"])).then(0).otherwise(
        lines.str.count_matches(",", literal=True) + 1)).to_series()


def _read_csv_slowly(text: str, file_name: str) -> tuple[list[str], pl.DataFrame, dict[int, str]]:
    rows = list(_records(text, file_name))
    header, rows = rows[0], rows[1:]
    width = len(header)
    shape_errors = _misaligned([len(r) for r in rows], width)
    for i, row in enumerate(rows):
        if len(row) != width:
            rows[i] = (row + [None] * width)[:width]
    columns = {f"c{j}": [r[j] if r else None for r in rows] for j in range(width)}
    frame = pl.DataFrame(columns, schema={f"c{j}": pl.String for j in range(width)})
    return header, frame, shape_errors


def _records(text: str, file_name: str):
    """The file's records as lists of fields; an unreadable file is refused, whole."""
    try:
        yield from csv.reader(io.StringIO(text, newline=""), strict=True)
    except csv.Error as e:
        raise RejectedFile(f"{file_name}: not a readable CSV file ({e})") from None


def _misaligned(widths: list[int], width: int) -> dict[int, str]:
    """Rows with more or fewer fields than the header, except blank lines (no fields at all)."""
    return {i: f"row has {n} fields but the header has {width}"
            for i, n in enumerate(widths) if n and n != width}


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
    # Only the columns with a problem are unpivoted: most files have none.
    found = [n for n, count in messages.drop(ROW).count().row(0, named=True).items() if count]
    if not found:
        return _no_problems()
    long = messages.select(ROW, *found).unpivot(index=ROW, value_name="message") \
        .drop_nulls("message")
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
    # The value itself is never repeated: a shifted or mistyped cell may hold an identifier.
    return pl.when(cell.is_not_null() & typed.is_null()).then(pl.lit(message))


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
        .then(pl.lit(f"a time that does not exist in {where} time (the clocks went forward "
                     "that hour)"))
        .otherwise(None)).to_series()
    unread = (wall.is_null() & cells.is_not_null()).arg_true()
    if unread.len():
        rest = cells.gather(unread)
        absolute = _with_offset(rest)
        typed = typed.scatter(unread, absolute)
        message = message.scatter(unread, pl.select(
            pl.when(pl.lit(absolute).is_null())
            .then(pl.lit("not a timestamp (YYYY-MM-DD HH:MM[:SS] or DD/MM/YYYY HH:MM[:SS])"))
            .otherwise(None)).to_series())
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
