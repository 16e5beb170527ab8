"""Drilling into the contact KPIs below the mart's grain: by reason, failure type and team, and
the right-first-time diagnostics (follow-up gaps, channel bounce).

The monthly mart holds only month x service x channel x ward, so these figures are read from the
contact facts of the period asked for, turned into per-contact parts by the very function the
mart is built from (`transform.marts.contact_parts`), and summed by the registered KPI functions:
a breakdown by service over one month equals `metrics.compute.compute` on the mart.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Engine

import metrics.kpis  # noqa: F401  (registers every KPI)
from data.facts import contacts_received, data_horizon
from data.reference import read_settings
from metrics.compute import Query
from metrics.registry import REGISTRY, Inputs, kpis_of
from transform.marts import FACT_COLUMNS, Standards, contact_parts
from transform.matters import MATTER, REACH

DRILL_COLUMNS = ("reason", "failure_type", "team")
# Carried through contact_parts for the diagnostics that need times and matters.
PASS_THROUGH = (*DRILL_COLUMNS, "customer_pseudonym", "received_at", "prev_matter_at",
                "next_matter_at")
NOT_RECORDED = "Not recorded"
# The KPIs summed from contact parts alone, which any part column can break down.
CONTACT_KPIS = kpis_of("contacts", needs=("parts",))


# ---- reading the facts of a period ------------------------------------------------------------

def contact_facts(engine: Engine, query: Query) -> pl.DataFrame:
    """Contact facts received in the query's London months, filtered in SQL by its filters.

    Only the columns the contact KPIs read (`FACT_COLUMNS`) and the drill columns are read. A
    ward filter matches the mart's spelling: a ward not recorded reads ''.
    """
    with engine.connect() as conn:
        return contacts_received(conn, [*FACT_COLUMNS, *DRILL_COLUMNS], *query.span,
                                 query.filters)


def matter_contacts(engine: Engine, query: Query) -> pl.DataFrame:
    """Identifiable contacts (pseudonym, service, received_at, channel) from `REACH` before the
    query's period to its end: every contact a repeat contact of the period can follow.

    Only the service filter applies: matters are matched across channels and wards
    (`docs/kpis.md`).
    """
    start, end = query.span
    services = {k: v for k, v in query.filters.items() if k == "service"}
    with engine.connect() as conn:
        return contacts_received(conn, [*MATTER, "received_at", "channel"], start - REACH, end,
                                 services, identified=True)


def drill_parts(facts: pl.DataFrame, as_of: datetime | None, standards: Standards) -> pl.DataFrame:
    """Per-contact parts (`contact_parts`) with the drill and matter columns passed through;
    a reason, failure type or team not recorded reads `Not recorded`."""
    # Without a data horizon the warehouse has no contacts, so facts is empty and any instant
    # gives the same (empty) parts.
    horizon = as_of or datetime.min.replace(tzinfo=UTC)
    return contact_parts(facts.lazy(), horizon, standards, extra=PASS_THROUGH).with_columns(
        pl.col(c).fill_null(NOT_RECORDED) for c in DRILL_COLUMNS).collect()


def period_parts(engine: Engine, query: Query) -> pl.DataFrame:
    """`drill_parts` of the query's contact facts, at the warehouse's data horizon and with its
    configured standards (as the mart)."""
    facts = contact_facts(engine, query)
    with engine.connect() as conn:
        as_of = data_horizon(conn)
    return drill_parts(facts, as_of, Standards.from_settings(read_settings(engine)))


def horizon(engine: Engine) -> datetime | None:
    """The data horizon (`docs/kpis.md`): the latest received_at of all contacts loaded."""
    with engine.connect() as conn:
        return data_horizon(conn)


# ---- breakdowns through the registered KPI functions ------------------------------------------

def breakdown(parts: pl.DataFrame, by: Sequence[str],
              kpi_ids: Sequence[str] = CONTACT_KPIS) -> pl.DataFrame:
    """One row per group and KPI over the whole period: *by, kpi, numerator, denominator, value.

    Each KPI's registered function sums its numerator and denominator per month and group; the
    months are then summed, and value = scale × Σ numerator ÷ Σ denominator (empty when the
    denominator is 0), or Σ numerator for KPIs without a denominator. Groups may be any part
    column (service, channel, ward, reason, failure_type, team); a ward not recorded reads
    `Not recorded`.
    """
    by = list(by)
    outside = [k for k in kpi_ids if k not in CONTACT_KPIS]
    if outside:
        raise ValueError(f"not a contact KPI: {outside}")
    inputs = Inputs(parts=parts.lazy(), complaints=pl.LazyFrame(), responses=pl.LazyFrame(),
                    assumptions=pl.DataFrame(), baseline=pl.LazyFrame(), as_of=None)
    frames = []
    for kpi_id in kpi_ids:
        kpi = REGISTRY[kpi_id]
        sums = [pl.col("numerator").sum(),
                (pl.col("denominator").sum() if kpi.has_denominator
                 else pl.lit(None, pl.Float64)).alias("denominator")]
        monthly = kpi.function(inputs, by)
        total = monthly.group_by(by).agg(sums) if by else monthly.select(sums)
        value = (pl.when(pl.col("denominator") > 0)
                 .then(kpi.scale * pl.col("numerator") / pl.col("denominator"))
                 if kpi.has_denominator else pl.col("numerator"))
        frames.append(total.select(
            *[pl.col(c).cast(pl.String).replace("", NOT_RECORDED) for c in by],
            pl.lit(kpi_id).alias("kpi"), pl.col("numerator").cast(pl.Float64),
            pl.col("denominator").cast(pl.Float64), value.cast(pl.Float64).alias("value")))
    return pl.concat(frames).collect().sort(*by, "kpi")


def ranking(frame: pl.DataFrame, kpi_id: str, by: str, order: str = "numerator") -> pl.DataFrame:
    """One KPI's rows of a `breakdown`, biggest `order` (numerator, e.g. most failure contacts;
    or denominator, the most contacts the rate is about) first."""
    return (frame.filter(pl.col("kpi") == kpi_id)
            .select(by, "numerator", "denominator", "value")
            .sort([order, by], descending=[True, False]))


# ---- failure reasons --------------------------------------------------------------------------

def pareto(parts: pl.DataFrame, by: Sequence[str] = ("failure_type",),
           within: Sequence[str] = ()) -> pl.DataFrame:
    """Failure contacts (demand_type = failure, the numerator of failure demand) by group,
    biggest first: *within, *by, failure_contacts, share_pct = 100 × failure_contacts ÷ all
    failure contacts (of the same `within` group, e.g. of one service), cumulative_pct =
    running total of share_pct in that order.

    A reason is a failure reason or not, so failure demand *by reason* would read 100 % or 0 %:
    the share of all failure is what tells a manager where failure comes from."""
    by, within = list(by), list(within)
    keys = [*within, *by]
    counts = (parts.filter(pl.col("failure")).group_by(keys)
              .agg(pl.len().cast(pl.Int64).alias("failure_contacts"))
              .sort([*within, "failure_contacts", *by],
                    descending=[*[False] * len(within), True, *[False] * len(by)]))
    total = pl.col("failure_contacts").sum()
    share = 100 * pl.col("failure_contacts") / (total.over(within) if within else total)
    cumulative = pl.col("share_pct").cum_sum()
    return counts.with_columns(share.alias("share_pct")).with_columns(
        (cumulative.over(within) if within else cumulative).alias("cumulative_pct"))


# ---- right first time diagnostics -------------------------------------------------------------

GAP_BUCKETS = ("under 1 day", "1 to under 3 days", "3 to 7 days", "over 7 to 14 days",
               "over 14 to 31 days", "none within 31 days", "none yet (under 31 days seen)")


def follow_up_gaps(parts: pl.DataFrame, as_of: datetime | None) -> pl.DataFrame:
    """How long after an eligible first contact (the denominator of right first time) the
    resident came back about the same matter.

    gap = next_matter_at − received_at, in days (matter neighbours are recorded up to 31 days).
    Buckets: under 1; 1 to under 3; 3 to 7 (the first three are exactly the default 7-day
    follow-up window); over 7 to 14; over 14 to 31; no next contact within 31 days; no next
    contact yet but fewer than 31 days since the contact (as_of − received_at < 31 days).
    Returns bucket (in that order, all present), first_contacts, share_pct = 100 × first_contacts
    ÷ eligible first contacts.
    """
    days = (pl.col("next_matter_at") - pl.col("received_at")).dt.total_microseconds() / 86_400e6
    seen = pl.col("received_at") + REACH <= (as_of or datetime.max.replace(tzinfo=UTC))
    bucket = (pl.when(days < 1).then(pl.lit(GAP_BUCKETS[0]))
              .when(days < 3).then(pl.lit(GAP_BUCKETS[1]))
              .when(days <= 7).then(pl.lit(GAP_BUCKETS[2]))
              .when(days <= 14).then(pl.lit(GAP_BUCKETS[3]))
              .when(days <= 31).then(pl.lit(GAP_BUCKETS[4]))
              .when(seen).then(pl.lit(GAP_BUCKETS[5]))
              .otherwise(pl.lit(GAP_BUCKETS[6])))
    counts = (parts.filter(pl.col("rft_eligible")).group_by(bucket.alias("bucket"))
              .agg(pl.len().cast(pl.Int64).alias("first_contacts")))
    order = pl.DataFrame({"bucket": GAP_BUCKETS})
    result = order.join(counts, on="bucket", how="left", maintain_order="left").with_columns(
        pl.col("first_contacts").fill_null(0))
    total = result.get_column("first_contacts").sum()
    return result.with_columns(
        (100 * pl.col("first_contacts") / total if total else pl.lit(None, pl.Float64))
        .alias("share_pct"))


def channel_bounce(parts: pl.DataFrame, earlier: pl.DataFrame) -> pl.DataFrame:
    """Repeat contacts (the numerator of repeat contact) by the channel of the contact they
    repeat and their own channel.

    The previous contact is the one of the same matter at prev_matter_at, looked up in `earlier`
    (`matter_contacts`). Several contacts of one matter at the same instant are one previous
    contact; its channel is the first of theirs alphabetically, so the count stays one per repeat.
    Returns previous_channel, channel, repeat_contacts, share_pct = 100 × repeat_contacts ÷ all
    repeat contacts; biggest first.
    """
    previous = (earlier.group_by(*MATTER, "received_at")
                .agg(pl.col("channel").min().alias("previous_channel"))
                .rename({"received_at": "prev_matter_at"}))
    repeats = parts.filter(pl.col("repeats")).select(*MATTER, "prev_matter_at", "channel")
    pairs = (repeats.join(previous, on=[*MATTER, "prev_matter_at"], how="left")
             .with_columns(pl.col("previous_channel").fill_null(NOT_RECORDED))
             .group_by("previous_channel", "channel")
             .agg(pl.len().cast(pl.Int64).alias("repeat_contacts"))
             .sort(["repeat_contacts", "previous_channel", "channel"],
                   descending=[True, False, False]))
    return pairs.with_columns(
        (100 * pl.col("repeat_contacts") / pl.col("repeat_contacts").sum()).alias("share_pct"))


def channel_changed_pct(bounce: pl.DataFrame) -> float | None:
    """100 × repeat contacts on a different channel from the contact they repeat ÷ all repeat
    contacts (None without repeats)."""
    total = bounce.get_column("repeat_contacts").sum()
    if not total:
        return None
    changed = bounce.filter(pl.col("previous_channel") != pl.col("channel"))
    return 100 * changed.get_column("repeat_contacts").sum() / total
