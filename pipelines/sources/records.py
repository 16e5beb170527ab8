"""Reading a source's records into text cells: delimited text (any delimiter, encoding and
number of header rows) and JSON (one object per line, or a document holding a list).

Only the fields that the source's mapping reads are kept, as text exactly as written (JSON
numbers as written, `null` empty, booleans `true`/`false`). Each record keeps the number a data
officer finds it by (the spreadsheet row, the line, or the record's place in a list) and, for
the quarantine, its source record with identifiers pseudonymised, the rest masked and every
field no mapping reads withheld.
"""

import codecs
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from pipelines.parse import RejectedFile
from pipelines.privacy import mask_text, pseudonym_key, pseudonymise

WITHHELD = "[withheld]"
UNREADABLE_TEXT = "[withheld: the record could not be read as its fields are laid out]"


@dataclass(frozen=True)
class Need:
    """Source columns one canonical column (or adapter field) reads: the first non-empty wins.
    A delimited file without any of them is refused when `required` (the message says why)."""

    columns: tuple[str, ...]
    what: str
    required: bool = False


@dataclass(frozen=True)
class Protect:
    """Source fields whose values are identifiers: pseudonymised wherever shown (every other
    field shown is masked)."""

    pseudonymised: frozenset[str] = frozenset()


@dataclass
class Records:
    """A file's (or a pull's) records: one text column per source field read, in file order."""

    frame: pl.DataFrame
    numbers: pl.Series  # by position in frame: the number a data officer finds the record by
    word: str  # what the number counts: row, line or record
    unreadable: dict[int, str]  # position -> why the record could not be read (quarantined)
    texts: Callable[[list[int]], list[str]]  # positions -> their protected source records
    blank: int = 0  # blank lines and rows, which are not records
    notes: list[str] = field(default_factory=list)  # what a data officer should know


# ---- delimited text ---------------------------------------------------------------------------

def read_delimited(data: bytes, name: str, needs: list[Need], protect: Protect, *,
                   encoding: str = "utf-8", delimiter: str = ",", header_rows: int = 1) -> Records:
    """The records of a delimited export: the first row names the columns, the next
    `header_rows - 1` rows are skipped. Rows with fewer fields have the missing cells empty;
    rows with more cannot be read (their cells are shifted) and are kept for the quarantine.
    Either kind, quarantined, has its text withheld: an identifier could sit under any column."""
    utf8 = codecs.lookup(encoding).name == "utf-8"
    text = None if utf8 else decode(data, encoding, name)
    if not (data.strip() if utf8 else text.strip()):
        raise RejectedFile(f"{name}: the file is empty")
    cells, too_wide, short = _cells(data if utf8 else text.encode(), delimiter, name)
    if cells.height == 0:
        raise RejectedFile(f"{name}: the file is empty")
    header = ["" if v is None else v for v in cells.row(0)]
    body = cells.slice(header_rows).with_row_index("_i")
    numbers = pl.int_range(header_rows + 1, header_rows + 1 + body.height, eager=True)
    # A row of empty cells is no record. Only rows whose first cell is empty can be one: the
    # other cells are checked for those alone.
    first = body.filter(_empty("c0"))
    blank = first.filter(pl.all_horizontal(_empty(c) for c in body.columns if c != "_i"))
    stray = [i - header_rows for i in too_wide]
    blank = blank.get_column("_i").filter(~blank.get_column("_i").is_in(stray))
    found, notes = _find(header, needs, name)
    keep = body.select("_i", *(pl.col(f"c{j}").alias(col) for col, j in found.items()))
    if blank.len():
        keep = keep.filter(~pl.col("_i").is_in(blank.implode()))
    frame = keep.drop("_i")
    positions = keep.get_column("_i")
    unreadable = {p: too_wide[i + header_rows] for p, i in enumerate(positions.to_list())
                  if i + header_rows in too_wide}
    shifted = {p for p, i in enumerate(positions.to_list()) if i + header_rows in short}
    by_index = {j: col for col, j in found.items()}

    def texts(rows: list[int]) -> list[str]:
        shown = _protected(frame[rows], protect, by_index.values())
        out = []
        for position, values in zip(rows, shown.iter_rows(named=True)):
            if position in unreadable or position in shifted:
                out.append(UNREADABLE_TEXT)
                continue
            line = [values[by_index[j]] if j in by_index else WITHHELD
                    for j in range(len(header))]
            out.append(_csv_line(line))
        return out

    return Records(frame, numbers.gather(positions), "row", unreadable, texts,
                   blank=body.height - keep.height, notes=notes)


def decode(data: bytes, encoding: str, name: str) -> str:
    """The bytes as text; a byte-order mark is tolerated."""
    codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    try:
        return data.decode(codec).removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise RejectedFile(
            f"{name}: not {encoding} text (byte 0x{data[e.start]:02X} on line {line}); set the "
            "source's encoding (e.g. cp1252 for a file saved by Excel on Windows)") from None


def _empty(column: str) -> pl.Expr:
    return pl.col(column).is_null() | (pl.col(column).str.strip_chars().str.len_bytes() == 0)


def _cells(data: bytes, delimiter: str, name: str) -> tuple[pl.DataFrame, dict[int, str],
                                                              set[int]]:
    """Every row's cells (header rows included) as columns c0, c1, ...; the rows with more
    fields than the first, by index, with why (they cannot be read, and are read as empty); and
    the rows with fewer (the missing cells are empty, as the sources' contract says, but the
    cells may have shifted). `data` is UTF-8 (a byte-order mark tolerated)."""
    # Bytes that are not UTF-8 stop polars too: decoding says where the text is not UTF-8.
    text = decode(data, "utf-8", name)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as e:
        raise RejectedFile(f"{name}: not a readable delimited file ({e})") from None
    width = len(rows[0]) if rows else 0
    too_wide = {i: f"row has {len(r)} fields but the header has {width}"
                for i, r in enumerate(rows) if len(r) > width}
    short = {i for i, r in enumerate(rows) if 0 < len(r) < width}  # a blank line has none
    try:
        frame = pl.read_csv(data.removeprefix(b"\xef\xbb\xbf"), has_header=False,
                            separator=delimiter, infer_schema=False, raise_if_empty=False)
    except pl.exceptions.PolarsError:
        # Rows with more fields than the header stop polars: the rows read one by one serve.
        padded = [[*r, *([None] * (width - len(r)))] if i not in too_wide else [None] * width
                  for i, r in enumerate(rows)]
        columns = {f"c{j}": [r[j] for r in padded] for j in range(width)}
        return pl.DataFrame(columns, schema={c: pl.String for c in columns}), too_wide, short
    return frame.rename({c: f"c{j}" for j, c in enumerate(frame.columns)}), too_wide, short


def _find(header: list[str], needs: list[Need], name: str) -> tuple[dict[str, int], list[str]]:
    """Each needed source column's index in the header (matched as feeds.md matches headers:
    trimmed, any case); refuses the file when a required one is missing or any is repeated."""
    where: dict[str, list[int]] = {}
    for j, cell in enumerate(header):
        where.setdefault(cell.strip().lower(), []).append(j)
    found: dict[str, int] = {}
    notes = []
    for need in needs:
        present = [c for c in need.columns if c.strip().lower() in where]
        for column in present:
            indices = where[column.strip().lower()]
            if len(indices) > 1:
                raise RejectedFile(f"{name}: column \"{column}\" appears {len(indices)} times "
                                   "in the header, so which one to read is unclear")
            found[column] = indices[0]
        if not present:
            names = " or ".join(f"\"{c}\"" for c in need.columns)
            if need.required:
                raise RejectedFile(f"{name}: no column {names} in the header ({need.what})")
            notes.append(f"{name}: no column {names} in the header ({need.what}): left empty")
    return found, notes


# ---- JSON -------------------------------------------------------------------------------------

def read_json_lines(text: str, paths: list[str], protect: Protect) -> Records:
    """Records of JSON lines: one object per line (objects written back to back on a line are
    read one after another). A line that is not JSON is one record that cannot be read."""
    decoder = _decoder()
    values: list[list] = [[] for _ in paths]
    numbers, places, unreadable, blank = [], [], {}, 0
    lines = text.split("\n")
    for line_number, line in enumerate(lines, start=1):
        at, index = _skip_space(line, 0), 0
        if at == len(line):
            blank += 1
            continue
        while at < len(line):
            try:
                record, at = decoder.raw_decode(line, at)
                problem = None if isinstance(record, dict) else "not a JSON object"
            except json.JSONDecodeError as e:
                record, at = {}, len(line)
                problem = f"not valid JSON ({e.msg} at column {e.colno})"
            if problem:
                unreadable[len(numbers)] = problem
                record = {}
            for column, path in zip(values, paths):
                column.append(as_text(lookup(record, path)))
            numbers.append(line_number)
            places.append((line_number, index))
            at, index = _skip_space(line, at), index + 1

    def original(position: int) -> dict | None:
        line_number, index = places[position]
        line, at = lines[line_number - 1], 0
        for _ in range(index + 1):
            at = _skip_space(line, at)
            record, at = decoder.raw_decode(line, at)
        return record

    return _json_records(paths, values, numbers, "line", unreadable, original, protect,
                         blank=blank)


def read_json_document(text: str, name: str, paths: list[str], protect: Protect,
                       keys: tuple[str, ...] = ()) -> Records:
    """Records of a JSON document: a list of objects, or an object holding one under one of
    `keys` (Open311: `requests`, `service_requests`)."""
    try:
        document = _decoder().decode(text)
    except json.JSONDecodeError as e:
        raise RejectedFile(f"{name}: not valid JSON ({e.msg} at line {e.lineno} column "
                           f"{e.colno})") from None
    return records_of(list_in(document, name, keys), paths, protect)


def list_in(document, name: str, keys: tuple[str, ...] = ()) -> list:
    """The list of records a JSON document holds."""
    if isinstance(document, dict):
        held = [document[k] for k in keys if isinstance(document.get(k), list)]
        if held:
            return held[0]
    if not isinstance(document, list):
        wanted = " or an object holding one under " + " or ".join(keys) if keys else ""
        raise RejectedFile(f"{name}: not a JSON list of records{wanted}")
    return document


def records_of(items: list, paths: list[str], protect: Protect) -> Records:
    """Records of a list of JSON values, numbered from 1 in order."""
    unreadable = {i: "not a JSON object" for i, item in enumerate(items)
                  if not isinstance(item, dict)}
    objects = [item if isinstance(item, dict) else {} for item in items]
    values = [[as_text(lookup(o, path)) for o in objects] for path in paths]
    return _json_records(paths, values, list(range(1, len(items) + 1)), "record", unreadable,
                         lambda position: objects[position], protect)


def _json_records(paths: list[str], values: list[list], numbers: list[int], word: str,
                  unreadable: dict[int, str], original: Callable[[int], dict], protect: Protect,
                  blank: int = 0) -> Records:
    frame = pl.DataFrame({p: v for p, v in zip(paths, values)},
                         schema={p: pl.String for p in paths})

    def texts(rows: list[int]) -> list[str]:
        key = pseudonym_key() if protect.pseudonymised else b""
        return [UNREADABLE_TEXT if p in unreadable else json.dumps(
            _protected_object(original(p), "", set(paths), protect, key), ensure_ascii=False)
            for p in rows]

    return Records(frame, pl.Series(numbers, dtype=pl.Int64), word, unreadable, texts,
                   blank=blank)


def lookup(record: dict, path: str):
    """A key's value, or a dotted path's into nested objects (a number indexes a list)."""
    if path in record:
        return record[path]
    value = record
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def as_text(value) -> str | None:
    """A JSON value as text as written: numbers as written, booleans true/false, null empty;
    an object or a list as its JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _decoder() -> json.JSONDecoder:
    # Numbers stay as written: 771923 is "771923", 1.50 is "1.50".
    return json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str)


def _skip_space(line: str, at: int) -> int:
    while at < len(line) and line[at] in " \t\r\ufeff":
        at += 1
    return at


def _protected_object(record: dict, prefix: str, read: set[str], protect: Protect,
                      key: bytes) -> dict:
    """The object with the values no mapping reads withheld, identifiers pseudonymised and the
    rest masked (comments, and any e-mail address or phone number elsewhere)."""
    out = {}
    for name, value in record.items():
        path = f"{prefix}{name}"
        if path in read:
            out[name] = _protect_value(path, as_text(value), protect, key)
        elif isinstance(value, dict) and any(r.startswith(f"{path}.") for r in read):
            out[name] = _protected_object(value, f"{path}.", read, protect, key)
        else:
            out[name] = WITHHELD
    return out


def _protect_value(name: str, value: str | None, protect: Protect, key: bytes) -> str | None:
    if value is None:
        return None
    if name in protect.pseudonymised:
        return pseudonymise(pl.Series([value.strip() or None]), key)[0]
    # Every other value is masked too: a refused cell may hold an e-mail address or a number.
    return pl.select(mask_text(pl.lit(value))).item()


# ---- shared -----------------------------------------------------------------------------------

def _protected(frame: pl.DataFrame, protect: Protect, columns) -> pl.DataFrame:
    key = pseudonym_key() if protect.pseudonymised else b""
    exprs = []
    for column in columns:
        if column in protect.pseudonymised:
            exprs.append(pl.col(column).str.strip_chars().replace("", None)
                         .map_batches(lambda s: pseudonymise(s, key), return_dtype=pl.String))
        else:  # comments, and any cell that holds an e-mail address or a number by mistake
            exprs.append(mask_text(pl.col(column)))
    return frame.with_columns(exprs) if exprs else frame


def _csv_line(cells: list) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(["" if c is None else c for c in cells])
    return out.getvalue()
