"""Tiny hand-built inputs for the KPI tests, and a way to read one figure back.

Contacts, complaints and survey responses are built as polars frames with every column the
metrics read (absent ones null), UTC datetimes, and ids numbered in order.
"""

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from data.bulk import schema_of
from data.models import ContactsMonthly
from data.reference import CHANNEL_ASSUMPTIONS
from metrics.compute import (
    Query,
    Sources,
    baseline_period,
    compute,
    sources_from_facts,
    with_response_month,
)
from metrics.months import months_between
from metrics.spc import ChangePoint

UTC_TIME = pl.Datetime("us", "UTC")

CONTACT_SCHEMA = {
    "source_system": pl.String,
    "contact_id": pl.String,
    "received_at": UTC_TIME,
    "channel": pl.String,
    "service": pl.String,
    "ward": pl.String,
    "demand_type": pl.String,
    "customer_ref": pl.String,
    "resolved_at_first_point": pl.Boolean,
    "abandoned": pl.Boolean,
    "wait_seconds": pl.Int64,
    "responded_at": UTC_TIME,
    "safeguarding": pl.Boolean,
}

COMPLAINT_SCHEMA = {
    "source_system": pl.String,
    "complaint_id": pl.String,
    "kind": pl.String,
    "stage": pl.Int64,
    "received_on": pl.Date,
    "acknowledged_on": pl.Date,
    "responded_on": pl.Date,
    "extended_due_on": pl.Date,
    "service": pl.String,
    "outcome": pl.String,
    "category": pl.String,
    "channel": pl.String,
    "ward": pl.String,
}

RESPONSE_SCHEMA = {
    "source_system": pl.String,
    "response_id": pl.String,
    "responded_at": UTC_TIME,
    "channel": pl.String,
    "service": pl.String,
    "csat": pl.Int64,
    "nps": pl.Int64,
    "ces": pl.Int64,
}


def months(first: str, last: str | None = None, by: tuple[str, ...] = (),
           **filters: tuple[str, ...]) -> Query:
    """The London months first..last (last: first by default), grouped and filtered."""
    return Query(by=by, first_month=first, last_month=last or first, filters=filters)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def contact(received_at: datetime, channel: str = "phone", service: str = "Waste",
            customer_ref: str | None = None, **other) -> dict:
    return {"received_at": received_at, "channel": channel, "service": service,
            "customer_ref": customer_ref, **other}


def contacts(*rows: dict) -> pl.DataFrame:
    return _frame(rows, CONTACT_SCHEMA, "contact_id", "c")


def complaint(received_on: date, stage: int | None = 1, service: str = "Waste",
              kind: str = "complaint", **other) -> dict:
    return {"received_on": received_on, "stage": stage if kind == "complaint" else None,
            "service": service, "kind": kind, **other}


def complaints(*rows: dict) -> pl.DataFrame:
    return _frame(rows, COMPLAINT_SCHEMA, "complaint_id", "k")


def response(responded_at: datetime, channel: str = "phone", service: str = "Waste",
             **scores) -> dict:
    return {"responded_at": responded_at, "channel": channel, "service": service, **scores}


def responses(*rows: dict) -> pl.DataFrame:
    return _frame(rows, RESPONSE_SCHEMA, "response_id", "r")


def _frame(rows, schema: dict, id_column: str, prefix: str) -> pl.DataFrame:
    unknown = {k for row in rows for k in row} - set(schema)
    if unknown:
        raise KeyError(f"not a column: {sorted(unknown)}")
    records = [{"source_system": "canonical", id_column: f"{prefix}{i:05d}", **row}
               for i, row in enumerate(rows, 1)]
    return pl.DataFrame([{c: r.get(c) for c in schema} for r in records], schema=schema,
                        orient="row") if records else pl.DataFrame(schema=schema)


def assumptions() -> pl.DataFrame:
    """The default channel assumptions of `docs/kpis.md` (data.reference)."""
    return pl.DataFrame(
        [(channel, cost, kg) for channel, (cost, _, _, kg, _, _) in CHANNEL_ASSUMPTIONS.items()],
        schema={"channel": pl.String, "unit_cost_gbp": pl.Float64, "carbon_kg": pl.Float64},
        orient="row")


def sources(contact_rows: pl.DataFrame | None = None, complaint_rows: pl.DataFrame | None = None,
            response_rows: pl.DataFrame | None = None,
            settings: dict[str, str] | None = None) -> Sources:
    return sources_from_facts(
        contact_rows if contact_rows is not None else contacts(),
        complaint_rows if complaint_rows is not None else complaints(),
        response_rows if response_rows is not None else responses(),
        assumptions(), settings)


def run(contact_rows: pl.DataFrame | None = None, complaint_rows: pl.DataFrame | None = None,
        response_rows: pl.DataFrame | None = None, by: tuple[str, ...] = (),
        settings: dict[str, str] | None = None, **query) -> pl.DataFrame:
    """compute() over facts: month, service, channel, ward, kpi, numerator, denominator, value."""
    return compute(sources(contact_rows, complaint_rows, response_rows, settings),
                   Query(by=by, **query))


def figure(result: pl.DataFrame, kpi: str, month: str, service: str = "All",
           channel: str = "All", ward: str = "All") -> tuple | None:
    """(numerator, denominator, value) of one row, None when there is no such row."""
    rows = result.filter(
        (pl.col("kpi") == kpi) & (pl.col("month") == month) & (pl.col("service") == service)
        & (pl.col("channel") == channel) & (pl.col("ward") == ward))
    assert rows.height <= 1, rows
    if rows.height == 0:
        return None
    return rows.select("numerator", "denominator", "value").row(0)


def parts(result: pl.DataFrame, kpi: str, month: str, **group) -> tuple | None:
    """(numerator, denominator) of one row."""
    found = figure(result, kpi, month, **group)
    return None if found is None else found[:2]


# ---- canonical CSV files ----------------------------------------------------------------------

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(frame: pl.DataFrame, path: Path, drop: tuple[str, ...] = ("source_system",)) -> Path:
    """A canonical CSV file of the frame's rows (timestamps with a Z offset)."""
    columns = [c for c in frame.columns if c not in drop]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in frame.select(columns).iter_rows():
            writer.writerow([_cell(v) for v in row])
    return path


# ---- a warehouse of every shape of series -----------------------------------------------------

HAND_BUILT_MONTHS = months_between("2023-01", "2025-02")
HAND_BUILT_EMPTY = "2023-11"


def _part(m: int, channel: str) -> dict:
    """Month m's figures on one channel: flat, rising, falling, zero and missing series."""
    phone = channel == "phone"
    contacts = 100 if phone else 20 + 3 * m  # flat; rising
    return {
        "contacts": contacts, "classified": contacts,
        "failure": 40 - m if phone else 5,  # falling; flat
        "with_customer": contacts, "repeats": 10 if phone else 2 + m % 2,
        # right first time has no eligible contacts in months 5 and 6: missing
        "rft_eligible": 0 if m in (5, 6) else 80 if phone else 10,
        "rft_met": 60 + m % 3 if phone else 9,
        "abandon_known": 100 if phone else 0, "abandoned": 0,  # zero
        "answer_known": 100 if phone else 0,
        "answered_in_standard": 50 + m if phone else 0,  # rising
        "written_due": 0 if phone else contacts,
        "written_on_time": 0 if phone else contacts - m % 4,
        "safeguarding": 0 if phone else int(m % 5 == 0),
    }


def hand_built() -> Sources:
    """One service over HAND_BUILT_MONTHS (26 months), phone and web, with flat, rising,
    falling, zero and missing series (HAND_BUILT_EMPTY has no records at all), complaints,
    survey responses and a change point recorded for every KPI in 2024-02."""
    months = [(m, month) for m, month in enumerate(HAND_BUILT_MONTHS)
              if month != HAND_BUILT_EMPTY]
    rows = [{"month": month, "service": "Waste", "channel": channel, "ward": "",
             **_part(m, channel)} for m, month in months for channel in ("phone", "web")]
    parts = pl.DataFrame(rows, schema=schema_of(ContactsMonthly.__table__))
    complaint_rows = complaints(*(
        complaint(date(int(month[:4]), int(month[5:]), 3), stage,
                  responded_on=date(int(month[:4]), int(month[5:]), 20), outcome="upheld")
        for m, month in months for stage in (1, 1, 1, 2)[: 2 + m % 3]))
    response_rows = responses(*(
        response(datetime(int(month[:4]), int(month[5:]), 9, 12, tzinfo=UTC),
                 csat=5 if i < 12 else 2, nps=9, ces=5)
        for _, month in months for i in range(20)))
    return Sources(parts=parts, complaints=complaint_rows,
                   responses=with_response_month(response_rows), assumptions=assumptions(),
                   as_of=datetime(2025, 2, 28, 12, tzinfo=UTC),
                   baseline=baseline_period(parts, {}),
                   change_points=(ChangePoint("2024-02", "a recorded change"),))
