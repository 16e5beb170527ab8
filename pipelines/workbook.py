"""Reading the first sheet of an `.xlsx` workbook as a feed file (`docs/programme.md`).

Programme offices keep milestones, benefits and risks in spreadsheets. The sheet's cells are
turned into the text a CSV file of the same rows would hold, and read by `pipelines.parse`
exactly as that file would be, so every rule, message and row number is the same: the sheet's
first row is the header (row 1), and a record's row number is the row Excel shows.

Typed cells are taken for what they are: a date cell is that date (`2026-03-31`; with a time of
day, the date and time), and in a `month` column the month of that date (`2026-03`); a number
cell that is whole reads as a whole number (`3.0` is `3`), any other as the number it holds.
"""

import csv
import io
import zipfile
from datetime import date, datetime, time

from pipelines.feeds import Feed
from pipelines.parse import RawFile, RejectedFile, read_raw

SUFFIX = ".xlsx"


def read_workbook(data: bytes, feed: Feed, file_name: str) -> RawFile:
    """The first sheet of the workbook `data` as a feed file's records."""
    # Imported here: only a workbook needs it.
    from openpyxl import load_workbook  # noqa: PLC0415

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise RejectedFile(f"{file_name}: not a readable .xlsx workbook ({error})") from None
    try:
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    while rows and all(_blank(c) for c in rows[-1]):
        rows.pop()
    if not rows:
        raise RejectedFile(f"{file_name}: the file is empty")
    header = ["" if c is None else str(c) for c in rows[0]]
    months = {i for i, name in enumerate(header) if _kind(feed, name) == "month"}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows[1:]:
        writer.writerow([_text(c, i in months) for i, c in enumerate(row[:len(header)])]
                        + [""] * (len(header) - len(row)))
    return read_raw(out.getvalue().encode(), feed, file_name)


def _kind(feed: Feed, name: str) -> str | None:
    wanted = name.strip().lower()
    return next((c.kind for c in feed.columns if c.name == wanted), None)


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell, month: bool) -> str:
    """A cell as the text a CSV file would hold for it."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, datetime):
        if month:
            return f"{cell:%Y-%m}"
        return f"{cell:%Y-%m-%d}" if cell.time() == time() else f"{cell:%Y-%m-%d %H:%M:%S}"
    if isinstance(cell, date):
        return f"{cell:%Y-%m}" if month else f"{cell:%Y-%m-%d}"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)
