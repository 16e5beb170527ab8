"""Contact KPIs (`docs/kpis.md`, Contacts): month of `received_at`, summed from the contact parts
that `transform.marts.contact_parts` defines per contact."""

from functools import partial

import polars as pl

from data.vocabulary import DIGITAL, SELF_SERVICE
from metrics.registry import Inputs, kpi, ratio

contact_kpi = partial(kpi, feed="contacts", needs=("parts",),
                      dimensions=("service", "channel", "ward"))


def _sum(inputs: Inputs, by: list[str], numerator: str, denominator: str | None):
    return ratio(inputs.parts, by, pl.col(numerator),
                 pl.col(denominator) if denominator else None)


@contact_kpi("contacts", "Contacts", "count", None, "front_doors",
     "How many times residents contacted the council, on any channel.")
def contacts(inputs: Inputs, by: list[str]):
    """numerator: contacts. No denominator: value = numerator."""
    return _sum(inputs, by, "contacts", None)


@contact_kpi("failure_demand_pct", "Failure demand", "%", "lower", "right_first_time",
     "Share of classified contacts caused by the council not doing something, or not doing it "
     "right (chasing, repeat requests, unclear letters).", scale=100)
def failure_demand_pct(inputs: Inputs, by: list[str]):
    """100 × contacts with demand_type = failure ÷ contacts with demand_type value or failure."""
    return _sum(inputs, by, "failure", "classified")


@contact_kpi("classified_pct", "Contacts classified", "%", "higher", "right_first_time",
     "Share of contacts whose demand type (value or failure) was recorded.", scale=100)
def classified_pct(inputs: Inputs, by: list[str]):
    """100 × contacts with demand_type value or failure ÷ contacts."""
    return _sum(inputs, by, "classified", "contacts")


@contact_kpi("repeat_contact_pct", "Repeat contact", "%", "lower", "right_first_time",
     "Share of identifiable contacts that came within {repeat_window} of an earlier contact by "
     "the same resident about the same service.", scale=100)
def repeat_contact_pct(inputs: Inputs, by: list[str]):
    """100 × repeat contacts (an earlier contact of the same matter in [t − {repeat_window}, t))
    ÷ contacts with a customer_ref."""
    return _sum(inputs, by, "repeats", "with_customer")


@contact_kpi("right_first_time_pct", "Right first time", "%", "higher", "right_first_time",
     "Share of first contacts resolved without the resident needing to come back within "
     "{repeat_window} (each counted once that time has fully passed).", scale=100)
def right_first_time_pct(inputs: Inputs, by: list[str]):
    """100 × eligible first contacts with no later contact of the same matter in
    (t, t + {repeat_window}] and resolved_at_first_point not false ÷ eligible first contacts
    (first contacts with t + {repeat_window} ≤ as_of)."""
    return _sum(inputs, by, "rft_met", "rft_eligible")


@contact_kpi("digital_pct", "Digital share", "%", "higher", "front_doors",
     "Share of contacts made online: by e-mail, web, webchat, social media or app. E-mail, "
     "webchat and social media still need a member of staff: see self-service share.",
     scale=100)
def digital_pct(inputs: Inputs, by: list[str]):
    """100 × contacts on a digital channel (email, web, webchat, social_media, app) ÷ contacts."""
    return _channel_share(inputs, by, DIGITAL)


def _channel_share(inputs: Inputs, by: list[str], channels: tuple[str, ...]):
    on = pl.col("channel").is_in(channels)
    return ratio(inputs.parts, by, pl.when(on).then(pl.col("contacts")).otherwise(0),
                 pl.col("contacts"))


@contact_kpi("self_service_pct", "Self-service share", "%", "higher", "front_doors",
     "Share of contacts residents handled themselves, on the web or the app. Unlike digital "
     "share, it leaves out e-mail, webchat and social media, which still need a member of "
     "staff (and cost about as much as a phone call).", scale=100)
def self_service_pct(inputs: Inputs, by: list[str]):
    """100 × contacts on a self-service channel (web, app) ÷ contacts."""
    return _channel_share(inputs, by, SELF_SERVICE)


@contact_kpi("abandoned_pct", "Calls abandoned", "%", "lower", "front_doors",
     "Share of phone calls where the caller hung up before being answered.", scale=100)
def abandoned_pct(inputs: Inputs, by: list[str]):
    """100 × phone contacts with abandoned true ÷ phone contacts with abandoned known."""
    return _sum(inputs, by, "abandoned", "abandon_known")


@contact_kpi("answered_in_60s_pct", "Calls answered in {answer_standard}", "%", "higher",
             "front_doors",
     "Share of answered phone calls picked up within {answer_standard}, the council's standard.",
     scale=100)
def answered_in_60s_pct(inputs: Inputs, by: list[str]):
    """100 × phone contacts with abandoned false and wait_seconds within {answer_standard} ÷
    phone contacts with abandoned false and wait_seconds known."""
    return _sum(inputs, by, "answered_in_standard", "answer_known")


@contact_kpi("written_on_time_pct", "Written replies on time", "%", "higher", "front_doors",
     "Share of e-mails, web forms and letters answered within {written_standard}.", scale=100)
def written_on_time_pct(inputs: Inputs, by: list[str]):
    """100 × written-channel contacts responded on or before their due date (London date of
    received_at + {written_standard}) ÷ written-channel contacts responded to, plus those not
    responded to whose due date is before the as_of date."""
    return _sum(inputs, by, "written_on_time", "written_due")


@contact_kpi("safeguarding_contacts", "Safeguarding concerns", "count", None, "front_doors",
     "Contacts in which a safeguarding concern was raised.")
def safeguarding_contacts(inputs: Inputs, by: list[str]):
    """numerator: contacts with safeguarding true. No denominator."""
    return _sum(inputs, by, "safeguarding", None)
