"""Data quality: which rules quarantined rows broke, how fresh each feed is, and how much of the
demand is classified (failure demand is only as good as the classification behind it).

Freshness is read from the age of a feed's latest record, in whole days from its Europe/London
date to today's:

- ``✔ Fresh``: 7 days or fewer, as a feed sent at least weekly is;
- ``● Due``: 8 to 35 days, where a monthly file is expected but not late yet;
- ``▲ Stale``: over 35 days, a monthly file missed, with a few days' grace;
- ``✖ No records``: files were loaded but no record was kept (every row quarantined).
"""

import json
import re
from dataclasses import replace
from datetime import date

import polars as pl
from sqlalchemy import Engine

from data.facts import latest_record_at
from data.loads import latest_loads, quarantine_reasons
from data.models import Complaint, Contact, Enquiry, SurveyResponse
from metrics.compute import Query, Sources, compute
from metrics.periods import period_totals
from transform.calendar import london_date

FRESH_DAYS = 7
STALE_DAYS = 35

# feed -> (fact table, the column dating a record)
RECORD_DATES = {
    "contacts": (Contact.__table__, "received_at"),
    "complaints": (Complaint.__table__, "received_on"),
    "satisfaction": (SurveyResponse.__table__, "responded_at"),
    "enquiries": (Enquiry.__table__, "received_on"),
}
UTC_TIME = pl.Datetime("us", "UTC")
# Pseudonyms are 64 hex digits (HMAC-SHA256); on screen they shrink to a short alias.
_PSEUDONYM = re.compile(r"\b([0-9a-f]{8})[0-9a-f]{56}\b")


def rule_counts(reasons: pl.DataFrame) -> pl.DataFrame:
    """Rows that broke each rule, per feed: feed, rule, rows (most broken first).

    `reasons` has feed, reasons (a JSON list of the rules a row broke, as in `quarantine_rows`)
    and optionally rows (how many rows share that list; 1 when absent). A row breaking two rules
    counts once under each, so the rows of a feed may add to more than its quarantined rows.
    """
    if "rows" not in reasons.columns:
        reasons = reasons.with_columns(pl.lit(1, pl.Int64).alias("rows"))
    exploded = reasons.select(
        "feed", "rows",
        pl.col("reasons").map_elements(lambda text: sorted(set(json.loads(text))),
                                       return_dtype=pl.List(pl.String)).alias("rule")
    ).explode("rule").drop_nulls("rule")
    return exploded.group_by("feed", "rule").agg(pl.col("rows").sum().cast(pl.Int64)).sort(
        ["rows", "feed", "rule"], descending=[True, False, False])


def read_quarantine_reasons(engine: Engine) -> pl.DataFrame:
    """feed, reasons, rows: the quarantine grouped by its lists of rules (small, whatever the
    number of rows)."""
    with engine.connect() as conn:
        return quarantine_reasons(conn)


def short_aliases(text: pl.Expr) -> pl.Expr:
    """Pseudonyms in a text shortened to their first 8 hex digits and an ellipsis."""
    return text.str.replace_all(_PSEUDONYM.pattern, "${1}…")


def read_latest(engine: Engine) -> pl.DataFrame:
    """Per feed and source system with a loaded file: latest_load_at (when its latest file
    finished loading) and latest_record_at (its newest record's instant; a complaint's date at
    midnight UTC), null when no record was kept.

    Contacts: the newest received_at of the source system, found by walking the received_at
    index down from the newest contact, so only contacts newer than the system's own latest
    are visited, not the whole table.
    """
    with engine.connect() as conn:
        # The programme's sheets are plans, not records of events: their loads show their age.
        loads = latest_loads(conn).filter(pl.col("feed").is_in(list(RECORD_DATES)))
        latest = []
        for feed, system in loads.select("feed", "source_system").iter_rows():
            found = latest_record_at(conn, *RECORD_DATES[feed], system)
            latest.append(found.select(pl.all().cast(UTC_TIME)).item() if found.height else None)
    return loads.with_columns(pl.Series("latest_record_at", latest, dtype=UTC_TIME)).sort(
        "feed", "source_system")


def freshness(latest: pl.DataFrame, today: date) -> pl.DataFrame:
    """Each feed and source system's age and status on `today`.

    Input: feed, source_system, latest_load_at, latest_record_at (UTC). Adds latest_record_on
    (its Europe/London date), days_since = today − latest_record_on in days, days_since_load,
    and status in words with an icon (thresholds in the module docstring).
    """
    days = (pl.lit(today) - pl.col("latest_record_on")).dt.total_days()
    dated = latest.with_columns(london_date(pl.col("latest_record_at")).alias("latest_record_on"))
    dated = dated.with_columns(
        days.alias("days_since"),
        (pl.lit(today) - london_date(pl.col("latest_load_at"))).dt.total_days()
        .alias("days_since_load"))
    return dated.with_columns(_status(pl.col("days_since")).alias("status")).select(
        "feed", "source_system", "latest_load_at", "latest_record_on", "days_since",
        "days_since_load", "status")


def _status(days: pl.Expr) -> pl.Expr:
    plural = pl.when(days == 1).then(pl.lit(" day)")).otherwise(pl.lit(" days)"))
    return (pl.when(days.is_null()).then(pl.lit("✖ No records"))
            .when(days <= FRESH_DAYS).then(pl.concat_str(pl.lit("✔ Fresh ("),
                                                         days.cast(pl.String), plural))
            .when(days <= STALE_DAYS).then(pl.concat_str(pl.lit("● Due ("),
                                                         days.cast(pl.String), plural))
            .otherwise(pl.lit(f"▲ Stale (over {STALE_DAYS} days)")))


def coverage_by_month(sources: Sources, query: Query) -> pl.DataFrame:
    """classified_pct by service and month: service, month, classified (contacts with a demand
    type of value or failure), contacts, classified_pct = 100 × classified ÷ contacts."""
    long = _coverage(sources, query)
    return long.select("service", "month", pl.col("numerator").alias("classified"),
                       pl.col("denominator").alias("contacts"),
                       pl.col("value").alias("classified_pct")).sort("service", "month")


def coverage_by_service(sources: Sources, query: Query) -> pl.DataFrame:
    """classified_pct by service over the whole period (Σ classified ÷ Σ contacts), lowest
    first: the services whose failure demand figure rests on the least classification."""
    return period_totals(_coverage(sources, query), ["service"]).select(
        "service", pl.col("numerator").alias("classified"),
        pl.col("denominator").alias("contacts"), pl.col("value").alias("classified_pct"),
    ).sort(["classified_pct", "service"], nulls_last=True)


def _coverage(sources: Sources, query: Query) -> pl.DataFrame:
    return compute(sources, replace(query, by=("service",), kpis=("classified_pct",)))
