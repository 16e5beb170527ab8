"""Complaint KPIs (`docs/kpis.md`, Complaints). Not defined by channel (see `complaint_kpi`).

Due date (LGSCO and Housing Ombudsman codes): extended_due_on where given, else the clock start
(acknowledged_on, else received_on) + 10 working days at stage 1 or + 20 at stage 2.
"""

from datetime import date
from functools import partial

import polars as pl

from metrics.registry import Inputs, kpi, ratio
from transform.calendar import add_working_days_expr, month_of_date

complaint_kpi = partial(kpi, feed="complaints", needs=("complaints",),
                        dimensions=("service", "ward"), why_not={
                            "channel": "a complaint is counted against its service, not the "
                                       "channel of a contact"})

UPHELD = ("upheld", "partly_upheld")


def agreed_or_after(start: pl.Expr, working_days: int | pl.Expr) -> pl.Expr:
    """The due date of a complaint or an enquiry: `extended_due_on` (agreed with the
    complainant or the member) where given, else `working_days` working days after `start`."""
    return pl.coalesce(pl.col("extended_due_on"), add_working_days_expr(start, working_days))


def due_on() -> pl.Expr:
    clock_start = pl.coalesce("acknowledged_on", "received_on")
    return agreed_or_after(clock_start, pl.when(pl.col("stage") == 2).then(20).otherwise(10))


def _complaints(inputs: Inputs, month_of: str) -> pl.LazyFrame:
    return inputs.complaints.filter(pl.col("kind") == "complaint").with_columns(
        month_of_date(pl.col(month_of)).alias("month")).filter(pl.col("month").is_not_null())


def overdue_complaints(complaints: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Open complaints (no responded_on) whose due date is before the as_of date."""
    return complaints.filter(
        (pl.col("kind") == "complaint") & pl.col("responded_on").is_null()
        & (due_on() < as_of))


@complaint_kpi("complaints_received", "Complaints received", "count", None, "accountability",
     "Complaints received in the month; a stage-2 escalation counts again.")
def complaints_received(inputs: Inputs, by: list[str]):
    """numerator: complaint rows (kind complaint; each stage is a row), month of received_on."""
    return ratio(_complaints(inputs, "received_on"), by, pl.lit(1), None)


# Councillors read "complaints received" as complaints, not as stages: headlines show these two
# counts in its place (never exported).
headline_count = partial(complaint_kpi, unit="count", better=None, theme="accountability",
                         replaces="complaints_received")


def _received_at(inputs: Inputs, by: list[str], stage: int):
    return ratio(_complaints(inputs, "received_on"), by, pl.col("stage") == stage, None)


@headline_count("stage1_complaints_received", "Stage 1 complaints received",
                description="New complaints received in the month (stage 1). An escalation of a "
                            "complaint to stage 2 is counted separately, never as a second "
                            "complaint.")
def stage1_complaints_received(inputs: Inputs, by: list[str]):
    """numerator: stage-1 complaint rows, month of received_on (escalation_pct's denominator)."""
    return _received_at(inputs, by, 1)


@headline_count("stage2_escalations_received", "Escalations to stage 2",
                description="Complaints taken to stage 2 in the month because the complainant "
                            "was not satisfied with the stage 1 reply.")
def stage2_escalations_received(inputs: Inputs, by: list[str]):
    """numerator: stage-2 complaint rows, month of received_on (escalation_pct's numerator)."""
    return _received_at(inputs, by, 2)


def _on_time(inputs: Inputs, by: list[str], stage: int):
    rows = _complaints(inputs, "responded_on").filter(pl.col("stage") == stage)
    return ratio(rows, by, pl.col("responded_on") <= due_on(), pl.lit(1))


@complaint_kpi("stage1_on_time_pct", "Stage 1 replies on time", "%", "higher", "accountability",
     "Share of stage-1 complaint responses sent within 10 working days (or an agreed date).",
     scale=100)
def stage1_on_time_pct(inputs: Inputs, by: list[str]):
    """100 × stage-1 complaints responded on or before their due date ÷ stage-1 complaints
    responded, month of responded_on."""
    return _on_time(inputs, by, 1)


@complaint_kpi("stage2_on_time_pct", "Stage 2 replies on time", "%", "higher", "accountability",
     "Share of stage-2 complaint responses sent within 20 working days (or an agreed date).",
     scale=100)
def stage2_on_time_pct(inputs: Inputs, by: list[str]):
    """100 × stage-2 complaints responded on or before their due date ÷ stage-2 complaints
    responded, month of responded_on."""
    return _on_time(inputs, by, 2)


@complaint_kpi("escalation_pct", "Complaints escalated", "%", "lower", "accountability",
     "Stage-2 complaints received as a share of stage-1 complaints received.", scale=100,
     # Not a share of its denominator: a month may escalate more than it receives at stage 1.
     bounds=(0.0, None))
def escalation_pct(inputs: Inputs, by: list[str]):
    """100 × stage-2 complaints received ÷ stage-1 complaints received, month of received_on."""
    return ratio(_complaints(inputs, "received_on"), by, pl.col("stage") == 2, pl.col("stage") == 1)


@complaint_kpi("upheld_pct", "Complaints upheld", "%", "lower", "accountability",
     "Share of decided complaints that were upheld in whole or in part.", scale=100)
def upheld_pct(inputs: Inputs, by: list[str]):
    """100 × complaints with outcome upheld or partly_upheld ÷ complaints with outcome upheld,
    partly_upheld or not_upheld, month of responded_on."""
    outcome = pl.col("outcome")
    return ratio(_complaints(inputs, "responded_on"), by, outcome.is_in(UPHELD).fill_null(False),
                 outcome.is_in((*UPHELD, "not_upheld")).fill_null(False))


@complaint_kpi("complaints_per_1000_contacts", "Complaints per 1,000 contacts",
               "per 1,000 contacts", "lower", "accountability",
     "Complaints received for every thousand contacts in the same month and service, so that "
     "big services do not hide small ones.", scale=1, needs=("complaints", "parts"))
def complaints_per_1000_contacts(inputs: Inputs, by: list[str]):
    """numerator: complaints received × 1000 (month of received_on); denominator: contacts in
    the same month (and service)."""
    received = _complaints(inputs, "received_on").group_by("month", *by).agg(
        (pl.len() * 1000).cast(pl.Float64).alias("numerator"))
    contacts = inputs.parts.group_by("month", *by).agg(
        pl.col("contacts").sum().cast(pl.Float64).alias("denominator"))
    # A month (and service) with complaints but no contacts has 0 contacts, not an unknown
    # number: its denominator is 0 (and its value empty), as it is for every other ratio.
    return received.join(contacts, on=["month", *by], how="full", coalesce=True).with_columns(
        pl.col("numerator").fill_null(0), pl.col("denominator").fill_null(0))


@complaint_kpi("compliments_received", "Compliments received", "count", "higher", "accountability",
     "Compliments received in the month.")
def compliments_received(inputs: Inputs, by: list[str]):
    """numerator: rows of kind compliment, month of received_on."""
    rows = inputs.complaints.filter(pl.col("kind") == "compliment").with_columns(
        month_of_date(pl.col("received_on")).alias("month"))
    return ratio(rows, by, pl.lit(1), None)
