"""Data-quality figures by hand: rules broken counted from the quarantine's JSON lists,
freshness on fixed dates, classification coverage adding months before dividing."""

import json
from datetime import date

import polars as pl
import pytest

from data.bulk import insert_frame
from data.models import Contact, LoadLog, QuarantineRow
from metrics.quality import (
    coverage_by_month,
    coverage_by_service,
    freshness,
    read_latest,
    read_quarantine_reasons,
    rule_counts,
    short_aliases,
)
from reports.charts.quality import coverage_alt, coverage_chart
from tests.metrics.builders import contact, contacts, months, sources, utc


def test_rules_are_counted_once_per_row_and_feed():
    quarantine = pl.DataFrame({
        "feed": ["contacts", "contacts", "contacts", "complaints"],
        "reasons": [json.dumps(["received_at: not a timestamp", "channel: not a channel"]),
                    json.dumps(["channel: not a channel"]),
                    json.dumps(["channel: not a channel", "channel: not a channel"]),
                    json.dumps(["stage: not 1 or 2"])],
    })
    assert rule_counts(quarantine).rows() == [
        ("contacts", "channel: not a channel", 3),
        ("complaints", "stage: not 1 or 2", 1),
        ("contacts", "received_at: not a timestamp", 1),
    ]


def test_rule_counts_weigh_grouped_lists_by_their_rows():
    grouped = pl.DataFrame({"feed": ["contacts", "contacts"],
                            "reasons": ['["a: x"]', '["a: x", "b: y"]'], "rows": [4, 2]})
    assert rule_counts(grouped).rows() == [("contacts", "a: x", 6), ("contacts", "b: y", 2)]


LATEST = pl.DataFrame({
    "feed": ["contacts", "contacts", "complaints", "satisfaction", "satisfaction"],
    "source_system": ["crm", "phones", "canonical", "canonical", "kiosk"],
    # 23:30 UTC on 31 May is 00:30 on 1 June in London (BST).
    "latest_load_at": [utc(2026, 6, 8, 9), utc(2026, 6, 8, 9), utc(2026, 5, 1, 9),
                       utc(2026, 4, 1, 9), utc(2026, 6, 8, 9)],
    "latest_record_at": [utc(2026, 6, 7, 15), utc(2026, 5, 31, 23, 30), utc(2026, 5, 4),
                         utc(2026, 5, 3, 12), None],
}, schema_overrides={"latest_record_at": pl.Datetime("us", "UTC")})


def test_freshness_on_fixed_dates():
    fresh = freshness(LATEST, today=date(2026, 6, 8))
    assert fresh.select("source_system", "latest_record_on", "days_since", "days_since_load",
                        "status").rows() == [
        ("crm", date(2026, 6, 7), 1, 0, "✔ Fresh (1 day)"),
        ("phones", date(2026, 6, 1), 7, 0, "✔ Fresh (7 days)"),
        ("canonical", date(2026, 5, 4), 35, 38, "● Due (35 days)"),
        ("canonical", date(2026, 5, 3), 36, 68, "▲ Stale (over 35 days)"),
        ("kiosk", None, None, 0, "✖ No records"),
    ]


def test_short_aliases_keep_eight_hex_digits_of_a_pseudonym():
    pseudonym = "ab12cd34" + "0" * 56
    text = pl.DataFrame({"raw": [f"2024-01-01,phone,{pseudonym},Waste", "no id here"]})
    assert text.select(short_aliases(pl.col("raw"))).to_series().to_list() == [
        "2024-01-01,phone,ab12cd34…,Waste", "no id here"]


def test_classification_coverage_by_service_and_month():
    # Waste 2024-01: 2 of 4 classified; 2024-02: 1 of 1. Housing 2024-01: 0 of 1.
    src = sources(contacts(
        contact(utc(2024, 1, 3, 9), demand_type="value"),
        contact(utc(2024, 1, 4, 9), demand_type="failure"),
        contact(utc(2024, 1, 5, 9), demand_type="unknown"),
        contact(utc(2024, 1, 6, 9)),
        contact(utc(2024, 2, 6, 9), demand_type="failure"),
        contact(utc(2024, 1, 6, 9), service="Housing")))
    assert coverage_by_month(src, months("2024-01", "2024-02")).rows() == [
        ("Housing", "2024-01", 0.0, 1.0, 0.0),
        ("Waste", "2024-01", 2.0, 4.0, 50.0),
        ("Waste", "2024-02", 1.0, 1.0, 100.0),
    ]
    # Over both months Waste is 3 / 5 = 60 %, not the 75 % mean of 50 and 100.
    assert coverage_by_service(src, months("2024-01", "2024-02")).rows() == [
        ("Housing", 0.0, 1.0, 0.0), ("Waste", 3.0, 5.0, pytest.approx(60.0))]
    assert coverage_by_service(src, months("2024-02", service=("Waste",))).rows() == [
        ("Waste", 1.0, 1.0, 100.0)]


def test_the_coverage_chart_draws_a_service_code_as_words():
    coverage = pl.DataFrame({"service": ["street_cleansing"], "classified": [3.0],
                             "contacts": [4.0], "classified_pct": [75.0]})
    bars = coverage_chart(coverage, 90.0).data[0]
    assert list(bars.y) == ["Street cleansing"]
    assert bars.hovertemplate.startswith("%{y}: ")  # the hover names the bar as drawn


def test_the_coverage_alternative_names_the_lowest_highest_and_those_below_target():
    coverage = pl.DataFrame({"service": ["street_cleansing", "Council Tax", "Parking"],
                             "classified": [3.0, 9.0, None], "contacts": [4.0, 10.0, 0.0],
                             "classified_pct": [75.0, 90.0, None]})
    assert coverage_alt(coverage, "2024-01", 80.0) == (
        "Contacts classified by service, 2024-01. Lowest: Street cleansing at 75.0 %; highest: "
        "Council Tax at 90.0 %. 1 of 2 services below the target of 80 %.")
    assert coverage_alt(coverage.head(0), "2024-01", None) == (
        "Contacts classified by service, 2024-01.")


def test_latest_records_and_rules_read_from_a_warehouse(engine):
    stamp = utc(2026, 6, 8, 9)
    log = pl.DataFrame({
        "load_id": [1, 2, 3], "feed": ["contacts", "contacts", "complaints"],
        "source_system": ["crm", "phones", "canonical"], "file_name": ["a", "b", "c"],
        "sha256": ["1", "2", "3"], "status": ["loaded", "loaded", "loaded"],
        "rows_read": [2, 1, 1], "rows_inserted": [2, 1, 0], "rows_updated": [0, 0, 0],
        "rows_unchanged": [0, 0, 0], "rows_quarantined": [0, 0, 1],
        "started_at": [stamp] * 3, "finished_at": [stamp] * 3, "errors": ["[]"] * 3})
    found = pl.DataFrame({
        "source_system": ["crm", "crm", "phones"], "contact_id": ["1", "2", "1"],
        "received_at": [utc(2026, 6, 1), utc(2026, 6, 7, 15), utc(2026, 5, 2)],
        "channel": ["web"] * 3, "service": ["Waste"] * 3, "load_id": [1, 1, 2]})
    rejected = pl.DataFrame({
        "load_id": [3], "feed": ["complaints"], "source_system": ["canonical"],
        "file_name": ["c"], "row_number": [2], "raw_text": ["x"],
        "reasons": ['["stage: not 1 or 2"]']})
    with engine.begin() as conn:
        insert_frame(conn, LoadLog.__table__, log)
        insert_frame(conn, Contact.__table__, found)
        insert_frame(conn, QuarantineRow.__table__, rejected)
    assert read_latest(engine).select("feed", "source_system", "latest_record_at").rows() == [
        ("complaints", "canonical", None),
        ("contacts", "crm", utc(2026, 6, 7, 15)),
        ("contacts", "phones", utc(2026, 5, 2)),
    ]
    assert rule_counts(read_quarantine_reasons(engine)).rows() == [
        ("complaints", "stage: not 1 or 2", 1)]
