"""Complaint KPIs (`docs/kpis.md`, Complaints) on tiny inputs worked out by hand.

Working days are England and Wales ones: over the turn of 2024 the bank holidays are 25 and 26
December 2024 and 1 January 2025; Easter 2024 is Good Friday 29 March and Easter Monday 1 April.
"""

from datetime import date

import polars as pl
import pytest

from metrics.kpis.complaints import due_on, overdue_complaints
from metrics.registry import headline_kpis
from tests.metrics.builders import (
    complaint,
    complaints,
    contact,
    contacts,
    figure,
    parts,
    run,
    sources,
    utc,
)
from transform.calendar import london_day

COMPLAINT_KPIS = {"complaints_received", "stage1_on_time_pct", "stage2_on_time_pct",
                  "escalation_pct", "upheld_pct", "complaints_per_1000_contacts",
                  "compliments_received"}

# (stage, received_on, acknowledged_on, extended_due_on, responded_on) -> (numerator, denominator)
ON_TIME_CASES = {
    # Fri 20 Dec + 10 working days: 23, 24, 27, 30, 31, 2, 3, 6, 7, 8 -> due Wed 8 Jan 2025.
    "stage 1 over Christmas, on the due date": (
        1, date(2024, 12, 20), None, None, date(2025, 1, 8), (1, 1)),
    "stage 1 over Christmas, a day late": (
        1, date(2024, 12, 20), None, None, date(2025, 1, 9), (0, 1)),
    # Acknowledged Mon 23 Dec: clock starts then. +10: 24, 27, 30, 31, 2, 3, 6, 7, 8, 9 -> 9 Jan.
    "stage 1 acknowledged: the clock starts at acknowledgement": (
        1, date(2024, 12, 20), date(2024, 12, 23), None, date(2025, 1, 9), (1, 1)),
    "stage 1 acknowledged, a day late": (
        1, date(2024, 12, 20), date(2024, 12, 23), None, date(2025, 1, 10), (0, 1)),
    # An agreed extension replaces the due date: 31 Jan, answered 20 Jan -> on time.
    "stage 1 with an agreed extension": (
        1, date(2024, 12, 20), None, date(2025, 1, 31), date(2025, 1, 20), (1, 1)),
    # ... even when it is earlier than 10 working days: due 6 Jan, answered 7 Jan -> late.
    "stage 1 with an extension earlier than the code's date": (
        1, date(2024, 12, 20), None, date(2025, 1, 6), date(2025, 1, 7), (0, 1)),
    # Fri 1 Mar 2024 + 20 working days: 4-8 (5), 11-15 (10), 18-22 (15), 25-28 (19), [29 Mar
    # Good Friday, 1 Apr Easter Monday], Tue 2 Apr (20) -> due 2 Apr 2024.
    "stage 2 over Easter, on the due date": (
        2, date(2024, 3, 1), None, None, date(2024, 4, 2), (1, 1)),
    "stage 2 over Easter, a day late": (
        2, date(2024, 3, 1), None, None, date(2024, 4, 3), (0, 1)),
    # Acknowledged Mon 4 Mar: 5-8 (4), 11-15 (9), 18-22 (14), 25-28 (18), 2 Apr (19), 3 Apr (20).
    "stage 2 acknowledged": (
        2, date(2024, 3, 1), date(2024, 3, 4), None, date(2024, 4, 3), (1, 1)),
}


@pytest.mark.parametrize(("stage", "received", "acknowledged", "extended", "responded",
                          "expected"), ON_TIME_CASES.values(), ids=ON_TIME_CASES.keys())
def test_on_time(stage, received, acknowledged, extended, responded, expected):
    rows = complaints(complaint(received, stage, acknowledged_on=acknowledged,
                                extended_due_on=extended, responded_on=responded))
    result = run(complaint_rows=rows)
    month = responded.strftime("%Y-%m")  # month of responded_on
    kpi, other = (("stage1_on_time_pct", "stage2_on_time_pct") if stage == 1
                  else ("stage2_on_time_pct", "stage1_on_time_pct"))
    assert parts(result, kpi, month) == expected
    assert figure(result, other, month) is None
    assert figure(result, kpi, received.strftime("%Y-%m")) is None


@pytest.mark.parametrize(("stage", "received", "acknowledged", "extended", "expected"), [
    (1, date(2024, 12, 20), None, None, date(2025, 1, 8)),
    (1, date(2024, 12, 20), date(2024, 12, 23), None, date(2025, 1, 9)),
    (1, date(2024, 12, 20), date(2024, 12, 23), date(2025, 2, 3), date(2025, 2, 3)),
    (2, date(2024, 3, 1), None, None, date(2024, 4, 2)),
    (2, date(2024, 3, 1), date(2024, 3, 4), None, date(2024, 4, 3)),
])
def test_due_on(stage, received, acknowledged, extended, expected):
    frame = complaints(complaint(received, stage, acknowledged_on=acknowledged,
                                 extended_due_on=extended))
    assert frame.select(due_on()).item() == expected


# as_of comes from the contacts: the latest received_at, as a London date.
# k1 stage 1 received 20 Dec, open: due 8 Jan.
# k2 stage 1 received 20 Dec, acknowledged 23 Dec, open: due 9 Jan.
# k3 stage 1 received 20 Dec, answered 20 Jan: closed, never overdue.
# k4 stage 2 received Sun 1 Dec, open: 2-6 (5), 9-13 (10), 16-20 (15), 23, 24, 27, 30, 31 (20)
#    -> due 31 Dec.
# k5 stage 2 received Tue 10 Dec, open: 11-13 (3), 16-20 (8), 23, 24 (10), 27 (11), 30, 31 (13),
#    2, 3 Jan (15), 6-10 Jan (20) -> due 10 Jan.
# k6 stage 1 received 30 Dec, open, extension agreed to 8 Jan (10 working days would be 14 Jan).
# k7 a compliment from November: never a complaint.
@pytest.mark.parametrize(("as_of", "overdue"), [
    (utc(2025, 1, 9, 12), {"k00001", "k00004", "k00006"}),  # due 8 Jan, 31 Dec, 8 Jan < 9 Jan
    (utc(2025, 1, 10, 12), {"k00001", "k00002", "k00004", "k00006"}),  # + k2 (due 9 Jan)
    (utc(2025, 1, 7, 23, 59), {"k00004"}),  # London 7 Jan
])
def test_overdue_complaints(as_of, overdue):
    rows = complaints(
        complaint(date(2024, 12, 20), 1),
        complaint(date(2024, 12, 20), 1, acknowledged_on=date(2024, 12, 23)),
        complaint(date(2024, 12, 20), 1, responded_on=date(2025, 1, 20)),
        complaint(date(2024, 12, 1), 2),
        complaint(date(2024, 12, 10), 2),
        complaint(date(2024, 12, 30), 1, extended_due_on=date(2025, 1, 8)),
        complaint(date(2024, 11, 1), kind="compliment"),
    )
    src = sources(contacts(contact(utc(2024, 12, 2)), contact(as_of)), rows)
    assert src.as_of == as_of
    as_of_date = london_day(src.as_of)
    found = overdue_complaints(src.complaints.lazy(), as_of_date).collect()
    assert set(found.get_column("complaint_id")) == overdue


def test_received_escalation_and_compliments():
    rows = complaints(
        *(complaint(date(2024, 1, d), 1) for d in (2, 3, 4, 5)),
        complaint(date(2024, 1, 20), 2),
        complaint(date(2024, 1, 21), kind="compliment"),
        complaint(date(2024, 1, 22), kind="comment"),
        complaint(date(2024, 2, 1), 2),
    )
    result = run(complaint_rows=rows)
    # January: 5 complaint rows (4 stage 1 + 1 stage 2); escalation 1 ÷ 4 = 25 %.
    assert figure(result, "complaints_received", "2024-01") == (5, None, 5)
    assert figure(result, "escalation_pct", "2024-01") == (1, 4, 25)
    assert figure(result, "compliments_received", "2024-01") == (1, None, 1)
    # February: a stage 2 and no stage 1 -> 1 ÷ 0: no value.
    assert figure(result, "escalation_pct", "2024-02") == (1, 0, None)
    assert figure(result, "compliments_received", "2024-02") is None


def test_headlines_count_stage_1_complaints_and_escalations_apart():
    """Councillors read "1,047 complaints received" as 1,047 complaints: headlines show the 4
    new complaints and the 1 escalation of January apart, never 5 complaints; the export keeps
    `complaints_received` as its definition says, and has neither headline count."""
    rows = complaints(
        *(complaint(date(2024, 1, d), 1) for d in (2, 3, 4, 5)),
        complaint(date(2024, 1, 20), 2),
        complaint(date(2024, 1, 21), kind="compliment"),
        complaint(date(2024, 2, 1), 2),
    )
    counts = ("stage1_complaints_received", "stage2_escalations_received")
    result = run(complaint_rows=rows, kpis=(*counts, "escalation_pct"))
    assert figure(result, "stage1_complaints_received", "2024-01") == (4, None, 4)
    assert figure(result, "stage2_escalations_received", "2024-01") == (1, None, 1)
    assert figure(result, "stage1_complaints_received", "2024-02") == (0, None, 0)
    assert figure(result, "stage2_escalations_received", "2024-02") == (1, None, 1)
    # They are escalation_pct's denominator and numerator.
    assert figure(result, "escalation_pct", "2024-01")[:2] == (1, 4)
    everything = run(complaint_rows=rows)
    assert not set(everything.get_column("kpi")) & set(counts)
    shown = [k.id for k in headline_kpis() if k.theme == "accountability"]
    assert shown[:2] == list(counts) and "complaints_received" not in shown


def test_upheld_excludes_withdrawn_and_undecided():
    rows = complaints(*(
        complaint(date(2024, 1, 10), 1, responded_on=date(2024, 2, 5), outcome=outcome)
        for outcome in ("upheld", "partly_upheld", "not_upheld", "withdrawn", None)),
        complaint(date(2024, 1, 10), 1, outcome="upheld"))  # still open: no responded_on
    result = run(complaint_rows=rows)
    # Month of responded_on (February): upheld + partly 2 ÷ decided 3.
    assert figure(result, "upheld_pct", "2024-02") == pytest.approx((2, 3, 200 / 3))
    assert figure(result, "upheld_pct", "2024-01") is None


def _per_1000_inputs():
    # January contacts: Waste 4, Housing 2. February: Waste 2 only.
    contact_rows = contacts(
        *(contact(utc(2024, 1, 10), service="Waste") for _ in range(4)),
        *(contact(utc(2024, 1, 10), service="Housing") for _ in range(2)),
        *(contact(utc(2024, 2, 10), service="Waste") for _ in range(2)))
    # January complaints: Waste 1, Housing 1, Parking 1 (a service with no contacts).
    complaint_rows = complaints(complaint(date(2024, 1, 3), service="Waste"),
                                complaint(date(2024, 1, 4), service="Housing"),
                                complaint(date(2024, 1, 5), service="Parking"))
    return contact_rows, complaint_rows


@pytest.mark.parametrize(("service", "month", "expected"), [
    ("Waste", "2024-01", (1000, 4, 250)),  # 1 × 1000 ÷ 4
    ("Housing", "2024-01", (1000, 2, 500)),  # 1 × 1000 ÷ 2
    ("Parking", "2024-01", (1000, 0, None)),  # no contacts: no value
    ("Waste", "2024-02", (0, 2, 0)),  # contacts but no complaints: a real zero
    ("All", "2024-01", (3000, 6, 500)),  # 3 × 1000 ÷ 6
    ("All", "2024-02", (0, 2, 0)),
])
def test_complaints_per_1000_contacts(service, month, expected):
    contact_rows, complaint_rows = _per_1000_inputs()
    result = run(contact_rows, complaint_rows, by=() if service == "All" else ("service",))
    assert figure(result, "complaints_per_1000_contacts", month, service=service) == expected


def test_a_month_with_contacts_only_has_complaints_per_1000_and_no_other_complaint_kpi():
    contact_rows, complaint_rows = _per_1000_inputs()
    result = run(contact_rows, complaint_rows)
    february = set(result.filter(pl.col("month") == "2024-02").get_column("kpi"))
    assert february & COMPLAINT_KPIS == {"complaints_per_1000_contacts"}


def test_complaint_kpis_are_omitted_by_channel():
    contact_rows, complaint_rows = _per_1000_inputs()
    for result in (run(contact_rows, complaint_rows, by=("channel",)),
                   run(contact_rows, complaint_rows, by=("service", "channel")),
                   run(contact_rows, complaint_rows, filters={"channel": ("phone",)})):
        assert not set(result.get_column("kpi")) & COMPLAINT_KPIS
        assert "contacts" in set(result.get_column("kpi"))


def test_complaints_by_service():
    rows = complaints(complaint(date(2024, 1, 2), 1, service="Waste"),
                      complaint(date(2024, 1, 3), 1, service="Waste"),
                      complaint(date(2024, 1, 4), 2, service="Waste"),
                      complaint(date(2024, 1, 5), 1, service="Housing"))
    result = run(complaint_rows=rows, by=("service",))
    assert figure(result, "complaints_received", "2024-01", service="Waste") == (3, None, 3)
    assert figure(result, "escalation_pct", "2024-01", service="Waste") == (1, 2, 50)
    assert figure(result, "escalation_pct", "2024-01", service="Housing") == (0, 1, 0)


def test_on_time_counts_every_response_of_the_month():
    # All the cases above together. Stage 1 answered in January 2025: 8 Jan on time, 9 Jan
    # late, 9 Jan (acknowledged) on time, 10 Jan late, 20 Jan (extended) on time, 7 Jan
    # (early extension) late -> 3 of 6. Stage 2 answered in April 2024: 2 Apr on time, 3 Apr
    # late, 3 Apr (acknowledged) on time -> 2 of 3.
    rows = complaints(*(complaint(received, stage, acknowledged_on=acknowledged,
                                  extended_due_on=extended, responded_on=responded)
                        for stage, received, acknowledged, extended, responded, _
                        in ON_TIME_CASES.values()))
    result = run(complaint_rows=rows)
    assert figure(result, "stage1_on_time_pct", "2025-01") == (3, 6, 50)
    assert figure(result, "stage2_on_time_pct", "2024-04") == pytest.approx((2, 3, 200 / 3))
    # Received: 6 stage-1 rows in December 2024, 3 stage-2 rows in March 2024.
    assert figure(result, "complaints_received", "2024-12") == (6, None, 6)
    assert figure(result, "escalation_pct", "2024-03") == (3, 0, None)


def test_by_ward_a_complaint_without_a_ward_meets_the_contacts_without_one():
    # One contact and one complaint in January, neither with a ward: 1 × 1000 ÷ 1 = 1000, one
    # row (ward '' as in the contact mart), not a 1000 ÷ 0 row and a 0 ÷ 1 row.
    result = run(contacts(contact(utc(2024, 1, 5), ward=None)),
                 complaints(complaint(date(2024, 1, 6), ward=None),
                            complaint(date(2024, 1, 7), ward="North")), by=("ward",))
    assert figure(result, "complaints_per_1000_contacts", "2024-01", ward="") == (1000, 1, 1000)
    assert figure(result, "complaints_per_1000_contacts", "2024-01", ward="North") == \
        (1000, 0, None)
    assert figure(result, "complaints_received", "2024-01", ward="") == (1, None, 1)
