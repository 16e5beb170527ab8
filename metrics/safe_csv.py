"""CSV that a spreadsheet opens as data, never as formulas: the one writer of every CSV the
project hands out (the dashboard's downloads, `python -m metrics export`).

The OWASP rule for CSV injection: a text cell starting with `=`, `+`, `-`, `@`, a tab or a
carriage return is a formula to Excel, LibreOffice and Google Sheets, so it is written with a
single quote `'` in front. Numbers stay numbers: numeric columns are written as they are, and a
text cell that is a plain decimal number (`-3.5`, `+12`, as `--publish` writes its figures) is
read by a spreadsheet as that number and runs nothing, so it is left alone too.
"""

import polars as pl

FORMULA_START = r"^[=+\-@\t\r]"
PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every text cell a spreadsheet would run prefixed with `'`."""
    text = [n for n, t in frame.schema.items() if t in (pl.String, pl.Categorical)
            or isinstance(t, pl.Enum)]
    return frame.with_columns(
        pl.when(pl.col(n).cast(pl.String).str.contains(FORMULA_START)
                & ~pl.col(n).cast(pl.String).str.contains(PLAIN_NUMBER))
        .then(pl.lit("'") + pl.col(n).cast(pl.String))
        .otherwise(pl.col(n).cast(pl.String)).alias(n)
        for n in text)


def csv_text(frame: pl.DataFrame) -> str:
    """The frame as formula-safe CSV text."""
    return neutralised(frame).write_csv()


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as formula-safe CSV, UTF-8, for a download button."""
    return csv_text(frame).encode()
