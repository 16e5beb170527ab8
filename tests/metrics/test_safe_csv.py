"""Formula-safe CSV (the OWASP rule): every CSV the project hands out, read back as a
spreadsheet would, holds no cell that would run; numbers stay numbers."""

import csv
import io
from pathlib import Path

import polars as pl
import pytest

from metrics.compute import Query
from metrics.export import write_export
from metrics.safe_csv import csv_bytes, csv_text
from pipelines.ingest import ingest_file
from tests.metrics.builders import contact, contacts, utc, write_csv

pytestmark = pytest.mark.filterwarnings("ignore:.*PSEUDONYM_KEY is not set")

# Text a spreadsheet would run as a formula, each as a feed could send it.
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def _runs(cell: str) -> bool:
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _plain_number(cell)


def _plain_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(("cell", "written"), [
    *((f, "'" + f) for f in FORMULAS),
    ("Council Tax", "Council Tax"),
    ("a=b", "a=b"),
    ("-3.5", "-3.5"),  # a number written as text (as --publish does) stays a number
    ("+44", "+44"),
    ("", ""),
])
def test_a_text_cell_that_would_run_is_quoted(cell: str, written: str) -> None:
    frame = pl.DataFrame({"name": [cell]})
    assert _cells(csv_text(frame))[1] == [written]
    assert csv_bytes(frame) == csv_text(frame).encode()


def test_numeric_columns_stay_numbers() -> None:
    frame = pl.DataFrame({"service": ["=1+1", "Waste"], "saving": [-12.5, 3.0],
                          "count": [-4, 7]})
    header, *rows = _cells(csv_text(frame))
    assert header == ["service", "saving", "count"]
    assert rows == [["'=1+1", "-12.5", "-4"], ["Waste", "3.0", "7"]]


def test_categorical_text_is_quoted_too() -> None:
    frame = pl.DataFrame({"service": ["@SUM(1+1)"]}, schema={"service": pl.Categorical})
    assert _cells(csv_text(frame))[1] == ["'@SUM(1+1)"]


def _load_formulas(engine, folder: Path) -> None:
    rows = [contact(utc(2024, 1, 2 + i, 10), "phone", name, f"cust-{i}", demand_type="failure")
            for i, name in enumerate(FORMULAS * 3)]
    result = ingest_file(engine, "contacts", write_csv(contacts(*rows), folder / "c.csv"))
    assert result.status == "loaded", result


@pytest.mark.parametrize("publish", [False, True])
def test_metrics_export_neutralises_feed_text(engine, tmp_path, publish) -> None:
    _load_formulas(engine, tmp_path)
    out = io.StringIO()
    write_export(engine, out, Query(by=("service",)), publish=publish)
    header, *rows = _cells(out.getvalue())
    services = {r[header.index("service")] for r in rows}
    # The feed's text is trimmed on the way in ("\t=1+1" loads as "=1+1").
    assert services == {"'" + f.strip() for f in FORMULAS}
    for row in rows:
        assert not any(_runs(cell) for cell in row), row
        for column in ("numerator", "denominator", "value"):
            cell = row[header.index(column)]
            assert cell == "" or cell.startswith("<") or _plain_number(cell), row
