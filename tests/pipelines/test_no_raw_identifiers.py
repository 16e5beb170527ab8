"""No raw customer identifier anywhere it could be read (README, "Security and privacy").

Crafted, generated files carry raw tokens (a customer reference, a fake e-mail address, a phone
number from Ofcom's drama range) in every place a careless load could repeat them: the customer
column, unknown columns, a row whose unquoted comma shifts its cells, a row with too few fields,
and cells a rule refuses (a flag, a timestamp, a number). They are
loaded through the real command lines (`pipelines ingest` and `pipelines run` with a `csv`
source), and every text cell of every warehouse table, standard output and error, the `--json`
objects and the bytes of the data quality page's downloads are searched for the tokens.
"""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl
from sqlmodel import SQLModel

from metrics.quality import read_quarantine_reasons, rule_counts, short_aliases
from metrics.reads import load_history, quarantine
from metrics.safe_csv import csv_bytes
from metrics.sources_view import read_source_runs, source_status, unmapped_values
from pages.shared import excel_bytes
from tests.pipelines.helpers import rows

ROOT = Path(__file__).resolve().parents[2]
REF = "CUST-RAW-SECRET"
EMAIL = "jo.bloggs.secret@example.com"
PHONE = "07700 900123"  # Ofcom's drama range: never a real number
TOKENS = (REF, "jo.bloggs.secret", "07700 900123", "07700900123")

CONTACTS_HEADER = ("contact_id,received_at,channel,service,customer_ref,"
                   "resolved_at_first_point,ward,handle_seconds,phone,email_address\n")
# Misaligned rows make the file take the csv module's path: one file of each kind.
SHIFTED = CONTACTS_HEADER + "".join([
    # Loaded: the reference pseudonymised, the unknown columns never kept.
    f"C-1,2024-01-10 09:00,phone,Waste,{REF}-1,true,Abbey,60,{PHONE},{EMAIL}\n",
    # An unquoted comma in the service: every later cell slides one column right, the
    # reference under resolved_at_first_point.
    f"C-2,2024-01-10 09:00,phone,Waste, Roads,{REF}-2,true,Abbey,60,{PHONE},{EMAIL}\n",
    # Refused cells that hold identifiers: the messages name the column and rule, not the value.
    f"C-3,{PHONE},phone,Waste,{REF}-3,{EMAIL},Abbey,{PHONE},{PHONE},{EMAIL}\n",
])
SHORT = CONTACTS_HEADER + "".join([
    f"C-4,2024-01-10 09:00,phone,Waste,{REF}-4,true,Abbey,60,{PHONE},{EMAIL}\n",
    # A field missing before the customer column: the reference slides into the flag.
    f"C-5,2024-01-10 09:00,phone,{REF}-5,true,Abbey\n",
    "C-6,2024-01-10 09:00,phone\n",
    f"C-7,2024-01-10 09:00,phone,Waste,{REF}-7,{EMAIL},Abbey,sixty,{PHONE},{EMAIL}\n",
])
SURVEY = ("response_id,responded_at,channel,csat,comment,customer_name\n"
          f"S-1,2024-01-10 09:00,web,4,Ring me on {PHONE} or mail {EMAIL},{REF}-8\n"
          f"S-2,2024-01-10 09:00,web,{PHONE},fine,{REF}-9\n")

SOURCES_TOML = """
[[source]]
name = "crm"
feed = "contacts"
adapter = "csv"
path = "exports/*.csv"
delimiter = ";"
datetime_format = "%d/%m/%Y %H:%M"

[source.columns]
contact_id = "Ref"
received_at = "Opened"
channel = "Via"
service = "Service"
customer_ref = "Email"
ward = "Area"
"""
EXPORT = ("Ref;Opened;Via;Service;Email;Area;Phone;Notes\n"
          f"R-1;10/01/2024 09:00;phone;Waste;{EMAIL};Abbey;{PHONE};{REF}-10 rang\n"
          # Too many fields: cannot be read, withheld whole.
          f"R-2;10/01/2024 09:00;phone;Waste;{EMAIL};Abbey;North;{PHONE};{REF}-11\n"
          # A refused timestamp holding a phone number.
          f"R-3;{PHONE};phone;Waste;{EMAIL};Abbey;{PHONE};{REF}-12\n")


def _cli(*args: str, url: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "WAREHOUSE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _found(text: str) -> list[str]:
    return [t for t in TOKENS if t.lower() in text.lower()]


def _download_text(frame: pl.DataFrame, name: str) -> str:
    """The CSV and Excel downloads' bytes as text (the workbook's XML parts unzipped)."""
    text = csv_bytes(frame).decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(excel_bytes(frame, name))) as book:
        xml = "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return text + xml


def test_no_raw_identifier_in_the_warehouse_the_output_or_the_downloads(warehouse_url,
                                                                          tmp_path):
    outputs = []
    for feed, name, text in [("contacts", "shifted.csv", SHIFTED), ("contacts", "short.csv", SHORT),
                             ("satisfaction", "survey.csv", SURVEY)]:
        # The --json load gets the same rows in other bytes (CRLF): the same bytes again would
        # be skipped as loaded before, and its output would hold none of the rows' messages.
        for prefix, extra, ending in (("", [], "\n"), ("json-", ["--json"], "\r\n")):
            path = tmp_path / f"{prefix}{name}"
            path.write_text(text, encoding="utf-8", newline=ending)
            done = _cli("ingest", feed, str(path), *extra, url=warehouse_url)
            assert done.returncode == 0, done.stderr
            assert "loaded" in done.stdout + done.stderr and "skipped" not in done.stdout
            if extra:  # its row messages are in the output searched below
                assert json.loads(done.stdout)["errors"], done.stdout
            outputs.append((f"ingest {path.name}", done.stdout + done.stderr))
    (tmp_path / "exports").mkdir()
    (tmp_path / "sources.toml").write_text(SOURCES_TOML, encoding="utf-8")
    for name, extra, ending in (("cases-2024-01.csv", [], "\n"),
                                ("json-cases-2024-01.csv", ["--json"], "\r\n")):
        (tmp_path / "exports" / name).write_text(EXPORT, encoding="utf-8", newline=ending)
        done = _cli("run", *extra, url=warehouse_url, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        outputs.append((f"run {extra}", done.stdout + done.stderr))

    from data.warehouse import make_engine  # noqa: PLC0415 (after the loads created the tables)

    engine = make_engine(warehouse_url)
    try:
        # What was loaded and quarantined, so that the scan below is known to have material.
        facts = {r["contact_id"]: r for r in rows(engine, "fct_contacts")}
        assert sorted(facts) == ["C-1", "C-4", "R-1"]
        kept = rows(engine, "quarantine_rows", order_by=("load_id", "row_number"))
        assert [(r["file_name"], r["row_number"]) for r in kept] == [
            (f"{prefix}{name}", row) for name, numbers in (
                ("shifted.csv", (3, 4)), ("short.csv", (3, 4, 5)), ("survey.csv", (3,)))
            for prefix in ("", "json-") for row in numbers] + [
            ("exports/cases-2024-01.csv", 3), ("exports/cases-2024-01.csv", 4),
            ("exports/json-cases-2024-01.csv", 3), ("exports/json-cases-2024-01.csv", 4)]
        leaks = []
        for table in SQLModel.metadata.sorted_tables:
            for row in rows(engine, table.name):
                leaks += [(table.name, column, value) for column, value in row.items()
                          if isinstance(value, str) and _found(value)]
        assert leaks == []
        downloads = {
            "loads": load_history(engine),
            "quarantine": quarantine(engine).with_columns(short_aliases(pl.col("raw_text"))),
            "quarantine_rules": rule_counts(read_quarantine_reasons(engine)),
            "sources": source_status(read_source_runs(engine)),
            "unmapped_values": unmapped_values(read_source_runs(engine)),
        }
        assert [(n, _found(_download_text(f, n))) for n, f in downloads.items()
                if _found(_download_text(f, n))] == []
    finally:
        engine.dispose()
    assert [(what, _found(text)) for what, text in outputs if _found(text)] == []


def test_messages_name_the_column_and_rule_and_unknown_columns_by_name(sqlite_engine, tmp_path):
    from pipelines.ingest import ingest_file  # noqa: PLC0415

    path = tmp_path / "shifted.csv"
    path.write_text(SHIFTED, encoding="utf-8")
    result = ingest_file(sqlite_engine, "contacts", path)
    assert result.errors == [
        "shifted.csv: ignored unknown column(s): phone, email_address",
        "shifted.csv row 3: row has 11 fields but the header has 10; resolved_at_first_point: "
        "not true/false, yes/no, y/n or 1/0; handle_seconds: not a whole number",
        "shifted.csv row 4: resolved_at_first_point: not true/false, yes/no, y/n or 1/0; "
        "handle_seconds: not a whole number; received_at: not a timestamp (YYYY-MM-DD "
        "HH:MM[:SS] or DD/MM/YYYY HH:MM[:SS])"]
    stored = rows(sqlite_engine, "quarantine_rows", order_by="row_number")
    # The shifted row is withheld (not its id, the first cell, which cannot have shifted); the
    # aligned one is kept without the unknown columns.
    assert [(r["record_id"], r["raw_text"].startswith("[withheld")) for r in stored] == [
        ("C-2", True), ("C-3", False)]
    assert stored[1]["raw_text"].count(",") == 7  # the feed's 8 columns of the file, no more


def test_a_row_with_too_few_fields_is_quarantined_and_withheld(sqlite_engine, tmp_path):
    from pipelines.ingest import ingest_file  # noqa: PLC0415

    path = tmp_path / "short.csv"
    path.write_text(SHORT, encoding="utf-8")
    result = ingest_file(sqlite_engine, "contacts", path)
    assert (result.rows_read, result.rows_inserted, result.rows_quarantined) == (4, 1, 3)
    assert [e.split(";")[0] for e in result.errors[1:3]] == [
        "short.csv row 3: row has 6 fields but the header has 10",
        "short.csv row 4: row has 3 fields but the header has 10"]
    stored = rows(sqlite_engine, "quarantine_rows", order_by="row_number")
    assert [(r["row_number"], r["record_id"], r["raw_text"].startswith("[withheld"))
            for r in stored] == [(3, "C-5", True), (4, "C-6", True), (5, "C-7", False)]


def test_a_misaligned_rows_id_is_withheld_unless_it_is_the_first_cell(sqlite_engine, tmp_path):
    from pipelines.ingest import ingest_file  # noqa: PLC0415

    path = tmp_path / "id-third.csv"
    # The id is missing, so the customer reference slid under contact_id.
    path.write_text("received_at,service,contact_id,channel,customer_ref\n"
                    f"2024-01-10 09:00,Waste,{REF}-21,phone\n", encoding="utf-8")
    result = ingest_file(sqlite_engine, "contacts", path)
    assert (result.rows_quarantined, result.errors) == (
        1, ["id-third.csv row 2: row has 4 fields but the header has 5"])
    [kept] = rows(sqlite_engine, "quarantine_rows")
    assert (kept["record_id"], kept["raw_text"].startswith("[withheld")) == (None, True)
