"""Repeat-contact chains: the record-level view behind repeat contact, for signed-in staff.

A matter is one customer (pseudonym) about one service (`docs/kpis.md`, "Same matter"). A chain is a
run of a matter's contacts, in time order, each received within the repeat window of the one
before: the resident kept coming back. Residents appear only as a short alias.
"""

import hashlib
from datetime import timedelta

import polars as pl
from sqlalchemy import Engine

from data.facts import contacts_received
from data.reference import read_settings
from data.vocabulary import LONDON
from metrics.compute import Query
from transform.marts import Standards
from transform.matters import MATTER

CHAIN_COLUMNS = [*MATTER, "received_at", "channel", "failure_type", "prev_matter_at",
                 "next_matter_at", "safeguarding"]
LIMIT = 200


def alias(pseudonym: str) -> str:
    """`R-` and the first 6 hex digits of the SHA-256 of the (already HMAC) pseudonym: enough to
    tell a resident's chains apart on screen, too short to look anybody up."""
    return "R-" + hashlib.sha256(pseudonym.encode()).hexdigest()[:6]


def chains(contacts: pl.DataFrame, window_days: int, limit: int = LIMIT) -> pl.DataFrame:
    """Chains of two or more contacts, longest first (then earliest), at most `limit`.

    Args: contacts with customer_pseudonym, service, received_at (UTC), channel, failure_type,
      prev_matter_at, next_matter_at, safeguarding (rows without a pseudonym are left out).
    A contact joins the chain of the one before it in its matter when
    received_at − previous received_at ≤ window (contacts at the same instant stay together).
    Returns alias, service, contacts, first_contact and last_contact (Europe/London),
    days_spanned = (last − first) in days, channels ("phone → web"), gaps_days (days between
    consecutive contacts), failure_types (distinct, recorded ones), began_before and
    goes_on_after: whether the matter's previous contact before the chain, or next after it, is
    within the window (outside the contacts given, e.g. beyond the period's edge); safeguarding:
    whether any of its contacts was flagged safeguarding.
    """
    window = timedelta(days=window_days)
    received = pl.col("received_at")
    same_matter = pl.all_horizontal(pl.col(c) == pl.col(c).shift(1) for c in MATTER)
    joins = (same_matter & (received - received.shift(1) <= window)).fill_null(False)
    gap = (received - received.shift(1)).dt.total_microseconds() / 86_400e6
    rows = (contacts.filter(pl.col("customer_pseudonym").is_not_null())
            .sort(*MATTER, "received_at", "channel")
            .with_columns((~joins).cum_sum().alias("chain"),
                          pl.when(joins).then(gap).alias("gap")))
    grouped = (rows.group_by("chain").agg(
        pl.col("customer_pseudonym").first(), pl.col("service").first(),
        pl.len().cast(pl.Int64).alias("contacts"),
        received.first().alias("first_at"), received.last().alias("last_at"),
        pl.col("channel").str.join(" → ").alias("channels"),
        pl.col("gap").drop_nulls().round(1).cast(pl.String).str.join(" · ").alias("gaps_days"),
        pl.col("failure_type").drop_nulls().unique().sort().str.join(", ")
        .alias("failure_types"),
        (pl.col("prev_matter_at").first() >= received.first() - window).fill_null(False)
        .alias("began_before"),
        (pl.col("next_matter_at").last() <= received.last() + window).fill_null(False)
        .alias("goes_on_after"),
        pl.col("safeguarding").fill_null(False).any().alias("safeguarding"))
        .filter(pl.col("contacts") >= 2)
        .sort(["contacts", "first_at", "customer_pseudonym"], descending=[True, False, False])
        .head(limit))
    return grouped.select(
        pl.col("customer_pseudonym").map_elements(alias, return_dtype=pl.String).alias("alias"),
        "service", "contacts",
        pl.col("first_at").dt.convert_time_zone(LONDON).alias("first_contact"),
        pl.col("last_at").dt.convert_time_zone(LONDON).alias("last_contact"),
        ((pl.col("last_at") - pl.col("first_at")).dt.total_microseconds() / 86_400e6)
        .round(1).alias("days_spanned"),
        "channels", "gaps_days", "failure_types", "began_before", "goes_on_after",
        "safeguarding")


def without_safeguarding(found: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """The chains with no contact flagged safeguarding, and how many were withheld: those
    records are for the `safeguarding` role alone (they still count in every aggregate)."""
    flagged = found.get_column("safeguarding")
    return found.filter(~flagged).drop("safeguarding"), int(flagged.sum())


def contact_chains(engine: Engine, service: str, query: Query,
                   limit: int = LIMIT) -> pl.DataFrame:
    """`chains` of one service's identifiable contacts received in the query's London months,
    with the configured repeat window. The query's other filters do not apply: a chain runs
    across channels and wards, as matters do."""
    with engine.connect() as conn:
        facts = contacts_received(conn, CHAIN_COLUMNS, *query.span, {"service": (service,)},
                                  identified=True)
    window = Standards.from_settings(read_settings(engine)).repeat_window_days
    return chains(facts, window, limit)
