"""Members' enquiry KPIs (`docs/kpis.md`, Members' enquiries) on a small case worked out by hand,
loaded as canonical CSV files into a real warehouse (SQLite and PostgreSQL), and the export
against a recomputation written here from kpis.md alone (the `holidays` package, one day at a
time), not from the project's calendar or KPI code.

Working days are England and Wales ones: over the turn of 2024 the bank holidays are Wed 25 and
Thu 26 December 2024 and Wed 1 January 2025; Mon 26 August 2024 is the summer bank holiday.
The data horizon is the only contact, at noon on Wed 15 January 2025: the as-of date is 15 Jan.
"""

import csv
import io
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import holidays
import polars as pl
import pytest

from metrics.compute import Query, compute, sources_from_facts
from metrics.enquiries_view import open_now, repeat_enquiries
from metrics.export import export_frame
from metrics.kpis.enquiries import overdue_enquiries
from metrics.registry import REGISTRY
from pipelines.ingest import ingest_file
from tests.metrics.builders import assumptions, complaints, contact, contacts, responses, utc
from tests.metrics.builders import write_csv as write_facts
from transform.marts import Standards

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.filterwarnings("ignore:.*PSEUDONYM_KEY is not set")
ENQUIRY_KPIS = ("member_enquiries_received", "member_enquiries_acknowledged_on_time_pct",
                "member_enquiries_on_time_pct")
HORIZON = utc(2025, 1, 15, 12)
COLUMNS = ["enquiry_id", "received_on", "service", "member", "ward", "acknowledged_on",
           "responded_on", "extended_due_on"]
D = date
# id, received, service, member, ward, acknowledged, responded, extended due date
ENQUIRIES = [
    # Fri 20 Dec: acknowledgement due Tue 24 Dec (23, 24): acknowledged on its due day. Due
    # 20 Dec + 10: 23, 24, 27, 30, 31, 2, 3, 6, 7, 8 -> Wed 8 Jan: answered that day.
    ("E1", D(2024, 12, 20), "Waste", "Cllr Ann Green", "Abbey", D(2024, 12, 24), D(2025, 1, 8),
     None),
    # Mon 23 Dec: acknowledgement due 24, [25, 26], 27 -> Fri 27 Dec: on its due day. Due 24,
    # 27, 30, 31, [1 Jan], 2, 3, 6, 7, 8, 9 -> Thu 9 Jan: answered Fri 10 Jan, a day late.
    ("E2", D(2024, 12, 23), "Housing", "Cllr Raj Patel", "Castle", D(2024, 12, 27),
     D(2025, 1, 10), None),
    # Tue 24 Dec, answered Mon 30 Dec without an acknowledgement: that reply is the
    # acknowledgement, due 27, 30 -> Mon 30 Dec: on time, and the reply is on time too.
    ("E3", D(2024, 12, 24), "Waste", "Cllr Ann Green", "Abbey", None, D(2024, 12, 30), None),
    # Fri 23 Aug, across the bank-holiday Monday: acknowledgement due [26], 27, 28 -> Wed 28
    # Aug (on time; without the holiday it would be late). Due 27, 28, 29, 30, 2, 3, 4, 5, 6,
    # 9 -> Mon 9 Sep: answered that day.
    ("E4", D(2024, 8, 23), "Highways", "Cllr Sam Hill", None, D(2024, 8, 28), D(2024, 9, 9),
     None),
    # An extension agreed with the member: due 10 Jan instead of 16 Dec; answered 9 Jan.
    ("E5", D(2024, 12, 2), "Housing", "Cllr Raj Patel", "Castle", D(2024, 12, 4), D(2025, 1, 9),
     D(2025, 1, 10)),
    # Fri 10 Jan, never acknowledged: its acknowledgement fell due Tue 14 Jan, before the
    # as-of date: counted, not on time. Due 24 Jan: not yet overdue.
    ("E7", D(2025, 1, 10), "Waste", "Cllr Ann Green", "Castle", None, None, None),
    # Mon 13 Jan, never acknowledged: due 15 Jan, the as-of date itself: not counted yet.
    ("E8", D(2025, 1, 13), "Waste", "Cllr Sam Hill", "Abbey", None, None, None),
    # Wed 18 Dec, still open: due 19, 20, 23, 24, 27, 30, 31, 2, 3, 6 -> Mon 6 Jan, before
    # the as-of date: overdue now; its acknowledgement fell due 20 Dec.
    ("E9", D(2024, 12, 18), "Housing", "Cllr Raj Patel", "Abbey", None, None, None),
    # Tue 14 Jan, acknowledged on the as-of date: counted and on time.
    ("E10", D(2025, 1, 14), "Housing", None, None, D(2025, 1, 15), None, None),
    # Mon 2 Dec: acknowledgement due Wed 4 Dec, sent Fri 6 Dec (late); answered Tue 10 Dec.
    ("E11", D(2024, 12, 2), "Waste", "Cllr Ann Green", "Abbey", D(2024, 12, 6), D(2024, 12, 10),
     None),
]

# month -> (numerator, denominator) of each KPI, all services, worked out above
BY_HAND = {
    "member_enquiries_received": {"2024-08": (1, None), "2024-12": (6, None),
                                  "2025-01": (3, None)},
    # Dec: E1, E2, E3, E5 on time; E11 late; E9 unacknowledged past its date. Jan: E10 on time,
    # E7 past its date, E8 not yet due.
    "member_enquiries_acknowledged_on_time_pct": {"2024-08": (1, 1), "2024-12": (4, 6),
                                                  "2025-01": (1, 2)},
    # Month of the reply. Sep: E4. Dec: E3, E11. Jan: E1, E5 on time, E2 late.
    "member_enquiries_on_time_pct": {"2024-09": (1, 1), "2024-12": (2, 2), "2025-01": (2, 3)},
}


def enquiry_frame(rows=ENQUIRIES) -> pl.DataFrame:
    return pl.DataFrame([dict(zip(COLUMNS, r)) for r in rows], orient="row",
                        schema={c: (pl.Date if c.endswith("_on") else pl.String)
                                for c in COLUMNS})


def write_enquiries(path: Path, rows=ENQUIRIES) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if v is None else str(v) for v in row])
    return path


def _load(engine, directory: Path) -> None:
    for feed, path in (("contacts", write_facts(contacts(contact(HORIZON)),
                                                directory / "contacts.csv")),
                       ("enquiries", write_enquiries(directory / "enquiries.csv"))):
        result = ingest_file(engine, feed, path)
        assert (result.status, result.rows_quarantined) == ("loaded", 0), result


# ---- an independent recomputation, from kpis.md --------------------------------------------

_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")


def plus_working_days(start: date, n: int) -> date:
    day = start
    for _ in range(n):
        day += timedelta(days=1)
        while day.weekday() >= 5 or day in _BANK_HOLIDAYS:
            day += timedelta(days=1)
    return day


def recompute(rows, as_of: date, by_service: bool, ack_days=2, reply_days=10) -> dict:
    """(kpi, month, service) -> [numerator, denominator], as kpis.md words it."""
    out: dict = {}

    def add(kpi, day, service, numerator, denominator):
        key = (kpi, day.strftime("%Y-%m"), service if by_service else "All")
        cell = out.setdefault(key, [0, 0 if denominator is not None else None])
        cell[0] += numerator
        if denominator is not None:
            cell[1] += denominator

    for _id, received, service, _m, _w, acknowledged, responded, extended in rows:
        add("member_enquiries_received", received, service, 1, None)
        acknowledged = acknowledged or responded
        ack_due = plus_working_days(received, ack_days)
        if acknowledged is not None or ack_due < as_of:
            add("member_enquiries_acknowledged_on_time_pct", received, service,
                int(acknowledged is not None and acknowledged <= ack_due), 1)
        if responded is not None:
            due = extended or plus_working_days(received, reply_days)
            add("member_enquiries_on_time_pct", responded, service, int(responded <= due), 1)
    return out


def exported(frame: pl.DataFrame) -> dict:
    rows = frame.filter(pl.col("kpi").is_in(ENQUIRY_KPIS))
    return {(r["kpi"], r["month"], r["service"]): [r["numerator"], r["denominator"]]
            for r in rows.iter_rows(named=True)}


# ---- the tests ----------------------------------------------------------------------------

def test_the_independent_recomputation_agrees_with_the_hand_worked_figures():
    assert plus_working_days(D(2024, 12, 20), 10) == D(2025, 1, 8)  # kpis.md's own example
    got = recompute(ENQUIRIES, D(2025, 1, 15), by_service=False)
    assert {(k, m): tuple(v) for (k, m, _), v in got.items()} == {
        (k, m): v for k, months in BY_HAND.items() for m, v in months.items()}


def test_the_export_equals_the_hand_worked_figures_and_the_recomputation(engine, tmp_path):
    _load(engine, tmp_path)
    whole = export_frame(engine, Query())
    assert {(k, m): (n, d) for (k, m, _), (n, d) in exported(whole).items()} == {
        (k, m): v for k, months in BY_HAND.items() for m, v in months.items()}
    for by_service in (False, True):
        frame = export_frame(engine, Query(by=("service",) if by_service else ()))
        assert exported(frame) == recompute(ENQUIRIES, D(2025, 1, 15), by_service)
    # kpis.md: enquiry KPIs are left out when grouping by channel.
    for by in (("channel",), ("service", "channel")):
        assert exported(export_frame(engine, Query(by=by))) == {}


def test_values_and_the_command_line_rows(sqlite_engine, tmp_path):
    _load(sqlite_engine, tmp_path)
    url = str(sqlite_engine.url)
    done = subprocess.run([sys.executable, "-m", "metrics", "export", "--by", "service"],
                          cwd=ROOT, env={**os.environ, "WAREHOUSE_URL": url},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = [r for r in csv.DictReader(io.StringIO(done.stdout)) if r["kpi"] in ENQUIRY_KPIS]
    cells = {(r["kpi"], r["month"], r["service"]): (r["numerator"], r["denominator"], r["value"])
             for r in rows}
    assert cells[("member_enquiries_received", "2024-12", "Waste")] == ("3", "", "3")
    # Waste in December: E1 and E3 on time, E11 late -> 2 of 3.
    assert cells[("member_enquiries_acknowledged_on_time_pct", "2024-12", "Waste")] == (
        "2", "3", "66.66666666666667")
    # Housing in January: E5 on time, E2 late.
    assert cells[("member_enquiries_on_time_pct", "2025-01", "Housing")] == ("1", "2", "50")


def test_overdue_now_is_the_open_enquiries_past_their_due_date():
    overdue = overdue_enquiries(enquiry_frame().lazy(), D(2025, 1, 15), Standards()).collect()
    assert overdue.get_column("enquiry_id").to_list() == ["E9"]
    # A week later E7 (due Fri 24 Jan) is overdue too; E8 (due Mon 27 Jan) not yet.
    later = overdue_enquiries(enquiry_frame().lazy(), D(2025, 1, 25), Standards()).collect()
    assert sorted(later.get_column("enquiry_id").to_list()) == ["E7", "E9"]


def test_the_standards_are_settings_and_the_words_follow_them():
    settings = {"enquiry_acknowledgement_working_days": "3", "enquiry_response_working_days": "5"}
    facts = sources_from_facts(contacts(contact(HORIZON)), complaints(), responses(),
                               assumptions(), settings, enquiry_frame())
    frame = compute(facts, Query(kpis=ENQUIRY_KPIS))
    assert exported(frame) == recompute(ENQUIRIES, D(2025, 1, 15), False, 3, 5)
    worded = REGISTRY["member_enquiries_on_time_pct"].worded(facts.standards)
    assert "within 5 working days" in worded.description
    assert "+ 5 working days" in worded.formula
    assert "within 3 working days" in REGISTRY[
        "member_enquiries_acknowledged_on_time_pct"].worded(facts.standards).description


def test_open_now_by_ward_and_repeat_enquiries_by_hand():
    frame = enquiry_frame().with_columns(
        pl.Series("customer_pseudonym", ["r1", "r2", "r1", None, "r2", "r1", "r3", "r2", "r4",
                                         "r1"]),
        pl.Series("enquiry_id", [r[0] for r in ENQUIRIES]))
    # Open at the horizon: E7 (Castle, due 24 Jan), E8 (Abbey, due 27 Jan), E9 (Abbey, due
    # 6 Jan: overdue), E10 (no ward).
    by_ward = open_now(frame, HORIZON, Standards(), {}, "ward")
    assert by_ward.rows() == [("Abbey", 2, 1, D(2025, 1, 6)), ("Castle", 1, 0, None),
                              ("Not recorded", 1, 0, None)]
    # Residents (pseudonyms) in ENQUIRIES order: E1 r1, E2 r2, E3 r1, E4 none, E5 r2, E7 r1,
    # E8 r3, E9 r2, E10 r4, E11 r1. December, Waste: E11 (2 Dec) first of r1's matter, E1 and
    # E3 repeats; Housing: E5 (2 Dec) first of r2's, E9 and E2 repeats.
    december = repeat_enquiries(frame, Query(first_month="2024-12", last_month="2024-12"))
    assert december.rows() == [("Housing", 3, 1, 2, 66.7), ("Waste", 3, 1, 2, 66.7)]
    # January: E7 (r1, Waste) repeats a matter first raised before the period; E8 (r3) and E10
    # (r4, Housing) are alone.
    january = repeat_enquiries(frame, Query(first_month="2025-01", last_month="2025-01"))
    assert january.rows() == [("Waste", 2, 1, 1, 50.0), ("Housing", 1, 0, 0, 0.0)]
