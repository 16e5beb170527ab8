"""The export of `docs/feeds.md`: canonical CSV files loaded through the pipelines into a real
warehouse (SQLite and PostgreSQL) give the same figures as `compute` over the same rows as facts,
and `python -m metrics export` writes them in the contracted shape."""

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from data.warehouse import make_engine
from metrics.compute import Query, compute
from metrics.export import COLUMNS, export_frame
from pipelines.ingest import ingest_file
from tests.conftest import REQUIRE_POSTGRES, _reset_postgres, postgres_url, sqlite_url
from tests.metrics.builders import (
    complaint,
    complaints,
    contact,
    contacts,
    response,
    responses,
    sources,
    utc,
    write_csv,
)

ROOT = Path(__file__).resolve().parents[2]
GROUPINGS = [(), ("service",), ("channel",), ("service", "channel")]

# January's file, loaded second.
JANUARY = [
    contact(utc(2024, 1, 5, 9), "phone", "Waste", "cust-a", ward="North", demand_type="value",
            abandoned=False, wait_seconds=30, resolved_at_first_point=True),
    contact(utc(2024, 1, 30, 10), "phone", "Waste", "cust-b", demand_type="failure",
            abandoned=True),
    # Same matter, same instant as the one above.
    contact(utc(2024, 1, 30, 10), "email", "Waste", "cust-b", responded_at=utc(2024, 2, 2, 10)),
    contact(utc(2024, 1, 15, 12), "face_to_face", "Housing", None, safeguarding=True),
    contact(utc(2024, 1, 20, 12), "letter", "Housing", "cust-c",
            responded_at=utc(2024, 2, 20, 12), resolved_at_first_point=False),
    contact(utc(2024, 1, 31, 23, 30), "web", "Waste", "cust-d", ward="South"),
]
# February and March, loaded first: the mart is refreshed out of order.
LATER = [
    contact(utc(2024, 2, 2, 9), "webchat", "Waste", "cust-b"),  # repeat across the month end
    contact(utc(2024, 2, 10, 9), "web", "Housing", "cust-c", demand_type="value"),
    contact(utc(2024, 2, 29, 23, 30), "phone", "Waste", "cust-a", abandoned=False,
            wait_seconds=90),
    contact(utc(2024, 3, 5, 10), "email", "Council Tax", "cust-e"),  # unanswered, overdue
    contact(utc(2024, 3, 25, 10), "app", "Council Tax", "cust-e"),  # in the censored week
    contact(utc(2024, 3, 30, 12), "phone", "Housing", "cust-f"),
    contact(utc(2024, 3, 31, 0, 30), "phone", "Waste", None),  # 00:30 GMT: March; the as_of
]
# A corrected re-send of January's last contact: it moves to February.
CORRECTION_INDEX = 5
CORRECTED = contact(utc(2024, 2, 1, 8), "web", "Waste", "cust-d", ward="South")

COMPLAINTS = [
    complaint(date(2024, 1, 8), 1, "Waste", responded_on=date(2024, 1, 19), outcome="upheld"),
    complaint(date(2024, 1, 25), 2, "Waste", responded_on=date(2024, 3, 1),
              outcome="not_upheld"),
    complaint(date(2024, 2, 5), 1, "Housing", acknowledged_on=date(2024, 2, 6),
              responded_on=date(2024, 2, 20), outcome="withdrawn", channel="phone"),
    complaint(date(2024, 2, 14), 1, "Parking"),  # open; a service without contacts
    complaint(date(2024, 3, 1), service="Housing", kind="compliment"),
    complaint(date(2024, 3, 4), 1, "Council Tax", extended_due_on=date(2024, 4, 30)),
]
RESPONSES = [
    response(utc(2024, 1, 10, 10), "phone", "Waste", csat=5, nps=10, ces=6),
    response(utc(2024, 1, 31, 23, 30), "email", "Waste", csat=2, nps=3),
    response(utc(2024, 2, 15, 10), "web", "Housing", ces=7),
    response(utc(2024, 3, 31, 23, 30), "phone", "Housing", csat=4),  # 00:30 BST: April
]


def _facts():
    january = contacts(*JANUARY)
    later = contacts(*LATER).with_columns(
        ("c1" + pl.col("contact_id").str.slice(2)).alias("contact_id"))
    correction = contacts(CORRECTED).with_columns(
        pl.lit(january.item(CORRECTION_INDEX, "contact_id")).alias("contact_id"))
    files = {"contacts": [later, january, correction], "complaints": [complaints(*COMPLAINTS)],
             "satisfaction": [responses(*RESPONSES)]}
    final = pl.concat([later, january.filter(pl.col("contact_id") != correction.item(
        0, "contact_id")), correction])
    return files, (final, files["complaints"][0], files["satisfaction"][0])


def load(engine, directory: Path):
    """Load every file through the pipelines; return the facts the warehouse now holds."""
    files, facts = _facts()
    for feed, frames in files.items():
        for i, frame in enumerate(frames):
            path = write_csv(frame, directory / f"{feed}-{i}.csv")
            result = ingest_file(engine, feed, path)
            assert (result.status, result.rows_quarantined) == ("loaded", 0), result
    return facts


def expected(facts, by=(), first_month=None, last_month=None) -> pl.DataFrame:
    query = Query(by=by, first_month=first_month, last_month=last_month)
    return compute(sources(*facts), query).select(COLUMNS)


def export_cli(url: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "metrics", "export", *args], cwd=ROOT,
                          env={**os.environ, "WAREHOUSE_URL": url}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _same(got, want) -> bool:
    return got is None and want is None or (
        got is not None and want is not None and got == pytest.approx(want, rel=1e-9))


def test_the_facts_cover_the_awkward_cases():
    _, facts = _facts()
    result = expected(facts)

    def one(kpi, month):
        return result.filter((pl.col("kpi") == kpi) & (pl.col("month") == month)).select(
            "numerator", "denominator", "value").row(0)

    # Jan: with a ref c01, c02, c03, c05 -> 4; no repeats (c02 and c03 share an instant).
    assert one("repeat_contact_pct", "2024-01") == (0, 4, 0)
    # Feb: c07 repeats c02/c03 (B), c08 is 21 days after c05 (C): not; c06 (moved, D), c09 (A)
    # -> 1 of 4.
    assert one("repeat_contact_pct", "2024-02") == (1, 4, 25)
    # Mar: as_of 2024-03-31T00:30Z. c10 eligible and met; c11 (25 Mar) and c12 (30 Mar) are in
    # the censored week -> 1 of 1.
    assert one("right_first_time_pct", "2024-03") == (1, 1, 100)
    # c10 email, unanswered, due 12 Mar < 31 Mar -> 0 of 1.
    assert one("written_on_time_pct", "2024-03") == (0, 1, 0)
    # Complaints per 1000 in Feb: 2 complaints (Housing, Parking) × 1000 ÷ 4 contacts (c06 moved
    # in by the correction, c07, c08, c09) = 500.
    assert one("complaints_per_1000_contacts", "2024-02") == (2000, 4, 500)
    # The April survey response (00:30 BST on 1 April) gives April satisfaction figures only.
    assert set(result.filter(pl.col("month") == "2024-04").get_column("kpi")) == {
        "survey_responses", "csat_pct", "nps", "ces_mean"}


def _check_csv(text: str, want: pl.DataFrame) -> list[dict]:
    assert text.splitlines()[0] == "month,service,channel,kpi,numerator,denominator,value"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == want.height
    for row, good in zip(rows, want.iter_rows(named=True)):
        assert {k: row[k] for k in ("month", "service", "channel", "kpi")} == {
            k: good[k] for k in ("month", "service", "channel", "kpi")}
        for column in ("numerator", "denominator", "value"):
            cell = None if row[column] == "" else float(row[column])
            assert _same(cell, good[column]), (row, column)
        if row["denominator"] == "0":
            assert row["value"] == "", row
    return rows


def _check_json(text: str, want: pl.DataFrame) -> list[dict]:
    data = json.loads(text)
    assert [list(d) for d in data] == [COLUMNS] * want.height
    for d, good in zip(data, want.iter_rows(named=True)):
        assert {k: d[k] for k in ("month", "service", "channel", "kpi")} == {
            k: good[k] for k in ("month", "service", "channel", "kpi")}
        for column in ("numerator", "denominator", "value"):
            assert _same(d[column], good[column]), (d, column)
        if d["denominator"] == 0:
            assert d["value"] is None
    return data


def test_export_matches_compute_over_the_same_rows(engine, warehouse_url, tmp_path):
    """One load per backend, then every check of the export against compute() over the facts."""
    facts = load(engine, tmp_path)

    for by in GROUPINGS:
        assert_frame_equal(export_frame(engine, Query(by=by)), expected(facts, by),
                           rel_tol=1e-9)
    got = export_frame(engine, Query(by=("service",), first_month="2024-02",
                                     last_month="2024-03"))
    assert set(got.get_column("month")) == {"2024-02", "2024-03"}
    assert_frame_equal(got, expected(facts, ("service",), "2024-02", "2024-03"), rel_tol=1e-9)

    # python -m metrics export, CSV by service.
    rows = _check_csv(export_cli(warehouse_url, "--by", "service"), expected(facts, ("service",)))
    assert {r["channel"] for r in rows} == {"All"}
    assert {r["service"] for r in rows} >= {"Waste", "Housing", "Council Tax", "Parking"}
    # Counts print as whole numbers, without a denominator.
    received = [r for r in rows if r["kpi"] == "complaints_received"]
    assert received and all(r["numerator"].isdigit() and r["denominator"] == ""
                            and r["value"] == r["numerator"] for r in received)
    # Parking: complaints but no contacts -> denominator 0, empty value.
    assert [(r["numerator"], r["denominator"], r["value"]) for r in rows
            if r["service"] == "Parking" and r["kpi"] == "complaints_per_1000_contacts"] == [
        ("1000", "0", "")]
    # Housing in January has no phone contacts: abandoned_pct is 0 ÷ 0 with an empty value.
    assert [(r["numerator"], r["denominator"], r["value"]) for r in rows
            if (r["month"], r["service"], r["kpi"]) == ("2024-01", "Housing", "abandoned_pct")
            ] == [("0", "0", "")]

    # JSON by channel, February to March.
    data = _check_json(export_cli(warehouse_url, "--by", "channel", "--from", "2024-02",
                                  "--to", "2024-03", "--format", "json"),
                       expected(facts, ("channel",), "2024-02", "2024-03"))
    assert {d["month"] for d in data} == {"2024-02", "2024-03"}
    assert {d["service"] for d in data} == {"All"}
    assert "phone" in {d["channel"] for d in data}
    assert not {d["kpi"] for d in data} & {"complaints_received", "complaints_per_1000_contacts",
                                           "channel_shift_saving_gbp", "carbon_saving_kg"}


def test_cli_rejects_a_bad_month(tmp_path):
    done = subprocess.run([sys.executable, "-m", "metrics", "export", "--from", "2024-13"],
                          cwd=ROOT, env={**os.environ, "WAREHOUSE_URL": sqlite_url(tmp_path)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "2024-13" in done.stderr


def test_sqlite_and_postgresql_exports_are_identical(tmp_path):
    try:
        _reset_postgres()
    except Exception as e:  # noqa: BLE001 (no server here)
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required (ONCE_AND_DONE_REQUIRE_POSTGRES=1) but: {e}")
        pytest.skip(f"no PostgreSQL server: {e}")
    outputs = []
    for url, directory in ((sqlite_url(tmp_path), tmp_path / "sqlite"),
                           (postgres_url(), tmp_path / "postgresql")):
        directory.mkdir()
        engine = make_engine(url)
        try:
            load(engine, directory)
        finally:
            engine.dispose()
        outputs.append(export_cli(url, "--by", "service", "--by", "channel"))
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) > 50
