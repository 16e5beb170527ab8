"""Members' enquiry KPIs (`docs/kpis.md`, Members' enquiries): enquiries ward councillors raise
on residents' behalf, grouped by the enquiry's own service (and ward); not defined by channel.

Acknowledgement due date: received_on + the acknowledgement standard (2 working days by
default). Due date: extended_due_on where given, else received_on + the response standard (10
working days by default), as complaints count theirs. An enquiry answered without a separate
acknowledgement counts as acknowledged on its responded_on.
"""

from datetime import date
from functools import partial

import polars as pl

from metrics.kpis.complaints import agreed_or_after
from metrics.registry import Inputs, kpi, ratio
from transform.calendar import add_working_days_expr, london_day, month_of_date
from transform.marts import Standards

enquiry_kpi = partial(kpi, feed="enquiries", needs=("enquiries",),
                      dimensions=("service", "ward"), why_not={
                          "channel": "an enquiry is counted against its service, not the "
                                     "channel the member used"})


def acknowledged_on() -> pl.Expr:
    return pl.coalesce("acknowledged_on", "responded_on")


def acknowledgement_due_on(standards: Standards) -> pl.Expr:
    return add_working_days_expr(pl.col("received_on"),
                                 standards.enquiry_acknowledgement_working_days)


def due_on(standards: Standards) -> pl.Expr:
    return agreed_or_after(pl.col("received_on"), standards.enquiry_response_working_days)


def as_of_date(inputs: Inputs) -> date | None:
    """The London date of the data horizon (None before any contact is loaded)."""
    return london_day(inputs.as_of) if inputs.as_of is not None else None


def overdue_enquiries(enquiries: pl.LazyFrame, as_of: date | None,
                      standards: Standards) -> pl.LazyFrame:
    """Open enquiries (no responded_on) whose due date is before the as_of date."""
    if as_of is None:
        return enquiries.clear()
    return enquiries.filter(pl.col("responded_on").is_null() & (due_on(standards) < as_of))


def _dated(inputs: Inputs, month_of: str) -> pl.LazyFrame:
    return inputs.enquiries.with_columns(month_of_date(pl.col(month_of)).alias("month")).filter(
        pl.col("month").is_not_null())


@enquiry_kpi("member_enquiries_received", "Members' enquiries received", "count", None,
             "members", "Enquiries ward councillors raised on residents' behalf in the month.")
def member_enquiries_received(inputs: Inputs, by: list[str]):
    """numerator: enquiries, month of received_on."""
    return ratio(_dated(inputs, "received_on"), by, pl.lit(1), None)


@enquiry_kpi("member_enquiries_acknowledged_on_time_pct",
             "Acknowledgements on time", "%", "higher", "members",
             "Share of members' enquiries acknowledged within {enquiry_acknowledgement_standard}"
             " (a reply counts as the acknowledgement when none was sent first).", scale=100)
def member_enquiries_acknowledged_on_time_pct(inputs: Inputs, by: list[str]):
    """100 × enquiries acknowledged (acknowledged_on, else responded_on) on or before received_on
    + {enquiry_acknowledgement_standard} ÷ enquiries acknowledged, plus enquiries not
    acknowledged whose acknowledgement due date is before the as_of date; month of received_on."""
    acknowledged, due = acknowledged_on(), acknowledgement_due_on(inputs.standards)
    as_of = as_of_date(inputs)
    overdue = (due < as_of) if as_of is not None else pl.lit(False)
    return ratio(_dated(inputs, "received_on"), by, (acknowledged <= due).fill_null(False),
                 acknowledged.is_not_null() | overdue)


@enquiry_kpi("member_enquiries_on_time_pct", "Enquiry replies on time", "%", "higher",
             "members",
             "Share of members' enquiries answered within {enquiry_response_standard} (or by a "
             "date agreed with the member).", scale=100)
def member_enquiries_on_time_pct(inputs: Inputs, by: list[str]):
    """100 × enquiries responded on or before their due date (extended_due_on, else
    received_on + {enquiry_response_standard}) ÷ enquiries responded, month of responded_on."""
    return ratio(_dated(inputs, "responded_on"), by,
                 pl.col("responded_on") <= due_on(inputs.standards), pl.lit(1))
