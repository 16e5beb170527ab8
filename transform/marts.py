"""The monthly contact mart: additive numerators and denominators by month, service, channel and
ward, so that pages and exports read thousands of rows instead of millions.

`contact_parts` is the single definition of each per-contact indicator (`docs/kpis.md`, Contacts);
the mart is that function summed by month, and `metrics.compute` reads the same function's output
whether it comes from the mart or straight from the facts.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl
from sqlalchemy import Connection

from data.facts import (
    clear_mart,
    contacts_received,
    data_horizon,
    first_received_at,
    replace_mart_months,
)
from data.models import ContactsMonthly
from data.reference import read_settings, set_setting
from data.versions import moved
from data.vocabulary import WRITTEN
from transform.calendar import (
    add_working_days_expr,
    london_date,
    london_day,
    london_month,
    month_of_instant,
    months_between,
    months_span,
    shift_month,
)
from transform.matters import REACH

CLASSIFIED = ("value", "failure")
GRAIN = ["month", "service", "channel", "ward"]
PARTS = [c for c in ContactsMonthly.__table__.columns.keys() if c not in GRAIN]
_DAY = "_london_day"


@dataclass(frozen=True)
class Standards:
    """Service standards from `ref_settings` (configurable defaults of `docs/kpis.md`). The
    contact mart is counted with the first three; the enquiry KPIs read the last two as they
    are computed."""

    repeat_window_days: int = 7
    answer_standard_seconds: int = 60
    written_standard_working_days: int = 5
    # members' enquiries: acknowledged, and answered, within this many working days
    enquiry_acknowledgement_working_days: int = 2
    enquiry_response_working_days: int = 10

    def __post_init__(self):
        if not 1 <= self.repeat_window_days <= REACH.days:
            raise ValueError(f"repeat_window_days must be 1 to {REACH.days} (matter neighbours "
                             "are recorded that far)")

    @property
    def horizon_reach(self) -> timedelta:
        """How far before the data horizon a figure can still change when the horizon moves:
        the repeat window, or the written due date (5 working days span at most 11 calendar
        days, over Christmas and New Year), whichever is longer."""
        written = self.written_standard_working_days * 7 // 5 + 7
        return timedelta(days=max(self.repeat_window_days, written) + 1)

    @classmethod
    def from_settings(cls, settings: dict[str, str]) -> "Standards":
        return cls(**{k: int(settings[k]) for k in cls.__dataclass_fields__ if settings.get(k)})


def contact_parts(contacts: pl.LazyFrame, as_of: datetime, standards: Standards,
                  extra: tuple[str, ...] = ()) -> pl.LazyFrame:
    """Per-contact indicators (0/1) for every contact KPI, one row per contact.

    Args: contact facts with received_at, channel, service, ward, demand_type,
      customer_pseudonym, resolved_at_first_point, abandoned, wait_seconds, responded_at,
      safeguarding, prev_matter_at, next_matter_at. `as_of` is the data horizon: the latest
      received_at of all contacts loaded.
    Returns: month, service, channel, ward ('' when not recorded) and the columns of the mart,
    then the `extra` fact columns passed through unchanged (for drilling below the mart's grain).
    """
    window = timedelta(days=standards.repeat_window_days)
    received = pl.col("received_at")
    known = pl.col("customer_pseudonym").is_not_null()
    repeat = known & (pl.col("prev_matter_at") >= received - window).fill_null(False)
    first = known & ~repeat
    eligible = first & (received + window <= as_of)
    followed_up = (pl.col("next_matter_at") <= received + window).fill_null(False)
    phone = pl.col("channel") == "phone"
    answered = phone & (pl.col("abandoned") == False)  # noqa: E712 (null is not False)
    written = pl.col("channel").is_in(WRITTEN)
    # The London day is a column of its own: as an expression, the working-day lookup would
    # convert every instant several times over.
    due = add_working_days_expr(pl.col(_DAY), standards.written_standard_working_days)
    responded = pl.col("responded_at").is_not_null()
    as_of_date = london_day(as_of)
    return contacts.with_columns(london_date(received).alias(_DAY)).select(
        london_month(received).alias("month"),
        "service", "channel", pl.col("ward").fill_null("").alias("ward"),
        pl.lit(1).alias("contacts"),
        pl.col("demand_type").is_in(CLASSIFIED).fill_null(False).alias("classified"),
        (pl.col("demand_type") == "failure").fill_null(False).alias("failure"),
        known.alias("with_customer"),
        repeat.alias("repeats"),
        eligible.alias("rft_eligible"),
        (eligible & ~followed_up
         & pl.col("resolved_at_first_point").fill_null(True)).alias("rft_met"),
        (phone & pl.col("abandoned").is_not_null()).alias("abandon_known"),
        (phone & pl.col("abandoned").fill_null(False)).alias("abandoned"),
        (answered & pl.col("wait_seconds").is_not_null()).fill_null(False).alias("answer_known"),
        (answered & (pl.col("wait_seconds") <= standards.answer_standard_seconds))
        .fill_null(False).alias("answered_in_standard"),
        (written & (responded | (due < as_of_date))).alias("written_due"),
        (written & responded & (london_date(pl.col("responded_at")) <= due))
        .fill_null(False).alias("written_on_time"),
        pl.col("safeguarding").fill_null(False).alias("safeguarding"),
        *extra,
    )


def monthly_parts(parts: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    """Sum per-contact (or already monthly) parts to month x `by`."""
    return parts.group_by("month", *by).agg(pl.col(PARTS).cast(pl.Int64).sum())


# ---- refreshing the mart in the warehouse -----------------------------------------------------

FACT_COLUMNS = ["received_at", "channel", "service", "ward", "demand_type", "customer_pseudonym",
                "resolved_at_first_point", "abandoned", "wait_seconds", "responded_at",
                "safeguarding", "prev_matter_at", "next_matter_at"]


def refresh_contact_marts(conn: Connection, changed_instants: pl.Series | None = None,
                          written: pl.DataFrame | None = None,
                          load_id: int | None = None) -> None:
    """Rebuild the mart's months that a load changed, plus those a moved horizon changes.

    Runs inside the caller's transaction, after the load's contact rows are written. A load
    passes the rows it wrote (`written`, all carrying `load_id`) so that only the other rows of
    those months are read back. With no arguments every month is rebuilt from the facts.
    Moves the version of `marts` (`data.versions`).
    """
    as_of = data_horizon(conn)
    settings = read_settings(conn)
    previous = settings.get("marts_as_of")
    moved(conn, "marts")
    if as_of is None:
        clear_mart(conn)
        return
    standards = Standards.from_settings(settings)
    months = _months_to_refresh(conn, changed_instants, as_of, previous, standards.horizon_reach)
    for first, last in _spans(months):
        start, end = months_span(first, last)
        contacts = contacts_received(conn, FACT_COLUMNS, start, end, except_load=load_id)
        if written is not None:
            contacts = pl.concat([contacts, written.select(FACT_COLUMNS).filter(
                pl.col("received_at").is_between(start, end, closed="left"))])
        rows = monthly_parts(contact_parts(contacts.lazy(), as_of, standards),
                             ["service", "channel", "ward"]).collect()
        replace_mart_months(conn, first, last, rows)
    set_setting(conn, "marts_as_of", as_of.isoformat(), by="pipelines")


def _months_to_refresh(conn: Connection, changed: pl.Series | None, as_of: datetime,
                       previous: str | None, reach: timedelta) -> list[str]:
    if changed is None or previous is None:
        return months_between(month_of_instant(first_received_at(conn)),
                              month_of_instant(as_of))
    months = set(pl.select(london_month(pl.lit(changed.drop_nulls()))).to_series().to_list())
    earliest = min(as_of, datetime.fromisoformat(previous)) - reach
    months |= set(months_between(month_of_instant(earliest), month_of_instant(as_of)))
    return sorted(months)


def _spans(months: list[str]) -> list[tuple[str, str]]:
    """Runs of consecutive months, so each run is one range query."""
    spans: list[tuple[str, str]] = []
    for m in sorted(months):
        if spans and shift_month(spans[-1][1], 1) == m:
            spans[-1] = (spans[-1][0], m)
        else:
            spans.append((m, m))
    return spans

