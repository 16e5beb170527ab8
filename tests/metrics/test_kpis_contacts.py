"""Contact KPIs (`docs/kpis.md`, Contacts) on tiny inputs worked out by hand.

Every case lists its contacts and the (numerator, denominator) that the spec gives; the comment
beside each case is the arithmetic. Unless a case says otherwise an "anchor" contact without a
customer_ref sets the data horizon (as_of) well after the contacts under test, so that the
censored last week does not touch them.
"""

import polars as pl
import pytest

from tests.metrics.builders import contact, contacts, figure, parts, run, utc

ANCHOR = contact(utc(2024, 6, 30, 12, 0), channel="other", service="Anchor")


# ---- London months across the clock changes --------------------------------------------------

# BST 2024: from 2024-03-31T01:00Z to 2024-10-27T01:00Z. BST 2025 from 2025-03-30T01:00Z.
@pytest.mark.parametrize(("instant", "month"), [
    (utc(2024, 3, 31, 0, 30), "2024-03"),  # 00:30 GMT on 31 March: clocks not yet forward
    (utc(2024, 3, 31, 23, 30), "2024-04"),  # 00:30 BST on 1 April
    (utc(2024, 9, 30, 23, 30), "2024-10"),  # 00:30 BST on 1 October
    (utc(2024, 10, 27, 0, 30), "2024-10"),  # 01:30 BST, first pass through the repeated hour
    (utc(2024, 10, 31, 23, 30), "2024-10"),  # 23:30 GMT: clocks went back on the 27th
    (utc(2024, 11, 30, 23, 30), "2024-11"),  # winter: London = UTC
    (utc(2025, 3, 31, 23, 30), "2025-04"),  # 00:30 BST on 1 April 2025
])
def test_a_contact_counts_in_its_london_month(instant, month):
    result = run(contacts(contact(instant)))
    assert set(result.get_column("month")) == {month}
    assert figure(result, "contacts", month) == (1, None, 1)


# ---- repeat contact and right first time ------------------------------------------------------

REPEAT_CASES = {
    # A Jan 30 (phone), B Feb 2 (email), same customer and service, 2 d 23 h apart.
    # Jan: A is a first contact with no customer_ref'd predecessor -> repeats 0/1; A is eligible
    #   (as_of is June) but B follows within 7 days -> RFT 0/1.
    # Feb: B is a repeat (A in [B - 7 d, B)) -> repeats 1/1; B is not a first contact -> RFT 0/0.
    "repeat across a month boundary": (
        [contact(utc(2024, 1, 30, 10), "phone", customer_ref="c1"),
         contact(utc(2024, 2, 2, 9), "email", customer_ref="c1")],
        {"2024-01": ((0, 1), (0, 1)), "2024-02": ((1, 1), (0, 0))}),
    # A and B at the same instant: neither is earlier than the other -> repeats 0/2; both are
    # eligible first contacts and neither is later than the other -> RFT 2/2.
    "two contacts of one matter at the same instant": (
        [contact(utc(2024, 1, 10, 10), "phone", customer_ref="c1"),
         contact(utc(2024, 1, 10, 10), "email", customer_ref="c1")],
        {"2024-01": ((0, 2), (2, 2))}),
    # As above plus C two days later: C is a repeat -> 1/3; A and B are first contacts (2
    # eligible) and C follows each within 7 days -> RFT 0/2.
    "same instant, then a repeat of both": (
        [contact(utc(2024, 1, 10, 10), "phone", customer_ref="c1"),
         contact(utc(2024, 1, 10, 10), "email", customer_ref="c1"),
         contact(utc(2024, 1, 12, 10), "web", customer_ref="c1")],
        {"2024-01": ((1, 3), (0, 2))}),
    # B exactly 7 × 24 h after A: A is in [B - 7 d, B) -> repeat; B is in (A, A + 7 d] -> A not
    # RFT. C 7 d + 1 s after B: not a repeat, a first contact with nothing after -> RFT.
    # Repeats 1/3 (B); RFT eligible A and C, met C -> 1/2.
    "window edges are [t - 7 d, t) and (t, t + 7 d]": (
        [contact(utc(2024, 1, 1, 0), customer_ref="c1"),
         contact(utc(2024, 1, 8, 0), customer_ref="c1"),
         contact(utc(2024, 1, 15, 0, 0, 1), customer_ref="c1")],
        {"2024-01": ((1, 3), (1, 2))}),
    # Same customer, other service; other customer, same service: three matters -> no repeats
    # 0/3, three eligible first contacts all met -> RFT 3/3.
    "another service or another customer is another matter": (
        [contact(utc(2024, 1, 10), service="Waste", customer_ref="c1"),
         contact(utc(2024, 1, 11), service="Housing", customer_ref="c1"),
         contact(utc(2024, 1, 12), service="Waste", customer_ref="c2")],
        {"2024-01": ((0, 3), (3, 3))}),
    # Contacts without a customer_ref around A (one the day before, one the day after) are left
    # out of both KPIs: repeats 0/1 (only A has a ref), RFT 1/1 (nothing of A's matter follows).
    "a contact without customer_ref is left out": (
        [contact(utc(2024, 1, 9), customer_ref=None),
         contact(utc(2024, 1, 10), customer_ref="c1"),
         contact(utc(2024, 1, 11), customer_ref=None)],
        {"2024-01": ((0, 1), (1, 1))}),
    # resolved_at_first_point false -> not RFT; null -> RFT (only false fails); true -> RFT.
    # Three matters, no repeats 0/3; RFT 2/3.
    "resolved_at_first_point false vs null vs true": (
        [contact(utc(2024, 1, 10), customer_ref="c1", resolved_at_first_point=False),
         contact(utc(2024, 1, 10), customer_ref="c2", resolved_at_first_point=None),
         contact(utc(2024, 1, 10), customer_ref="c3", resolved_at_first_point=True)],
        {"2024-01": ((0, 3), (2, 3))}),
    # as_of = ANCHOR = 2024-06-30T12:00Z. A at as_of - 7 d exactly: A + 7 d <= as_of -> eligible,
    # met. B one second later: B + 7 d > as_of -> not eligible. C on 29 June: not eligible. D on
    # the 30th at 00:00 repeats C: repeats still count in the censored week.
    # June: repeats 1/4 (D; the anchor has no ref); RFT 1/1 (A).
    "the censored last week is not eligible for RFT": (
        [contact(utc(2024, 6, 23, 12), customer_ref="c1"),
         contact(utc(2024, 6, 23, 12, 0, 1), customer_ref="c2"),
         contact(utc(2024, 6, 29, 12), customer_ref="c3"),
         contact(utc(2024, 6, 30, 0), customer_ref="c3")],
        {"2024-06": ((1, 4), (1, 1))}),
}


@pytest.mark.parametrize(("rows", "expected"), REPEAT_CASES.values(), ids=REPEAT_CASES.keys())
def test_repeat_contact_and_right_first_time(rows, expected):
    result = run(contacts(*rows, ANCHOR))
    for month, (repeat, rft) in expected.items():
        assert parts(result, "repeat_contact_pct", month) == repeat, month
        assert parts(result, "right_first_time_pct", month) == rft, month


def test_value_is_empty_where_the_denominator_is_zero():
    # The repeat-across-months case: February has one repeat and no first contact -> RFT 0/0.
    rows, _ = REPEAT_CASES["repeat across a month boundary"]
    result = run(contacts(*rows, ANCHOR))
    assert figure(result, "right_first_time_pct", "2024-02") == (0, 0, None)
    assert figure(result, "repeat_contact_pct", "2024-02") == (1, 1, 100)


def test_split_by_channel_each_contact_keeps_the_status_of_its_whole_matter():
    # A phone on 30 Jan, B email on 2 Feb (same matter). By channel: A (phone) is still not RFT
    # because of B on another channel; B (email) is still a repeat of A.
    rows, _ = REPEAT_CASES["repeat across a month boundary"]
    result = run(contacts(*rows, ANCHOR), by=("channel",))
    assert parts(result, "right_first_time_pct", "2024-01", channel="phone") == (0, 1)
    assert parts(result, "repeat_contact_pct", "2024-01", channel="phone") == (0, 1)
    assert parts(result, "repeat_contact_pct", "2024-02", channel="email") == (1, 1)
    assert parts(result, "right_first_time_pct", "2024-02", channel="email") == (0, 0)


@pytest.mark.parametrize(("window", "expected_repeats"), [
    ("7", (1, 2)),  # 4 days apart: within 7 days -> B is a repeat
    ("3", (0, 2)),  # with a 3-day window it is not
])
def test_repeat_window_is_configurable(window, expected_repeats):
    rows = contacts(contact(utc(2024, 1, 1), customer_ref="c1"),
                    contact(utc(2024, 1, 5), customer_ref="c1"), ANCHOR)
    result = run(rows, settings={"repeat_window_days": window})
    assert parts(result, "repeat_contact_pct", "2024-01") == expected_repeats


# ---- demand, channels, phones -----------------------------------------------------------------

def test_failure_demand_and_classified():
    # value, failure, failure, not recorded: failure 2 of 3 classified; classified 3 of 4.
    result = run(contacts(*(contact(utc(2024, 1, 10), demand_type=d)
                            for d in ("value", "failure", "failure", None))))
    assert figure(result, "failure_demand_pct", "2024-01") == pytest.approx((2, 3, 200 / 3))
    assert figure(result, "classified_pct", "2024-01") == (3, 4, 75)


def test_digital_pct_counts_email_web_webchat_social_media_and_app():
    channels = ("phone", "email", "web", "face_to_face", "letter", "webchat", "social_media",
                "app", "other")
    result = run(contacts(*(contact(utc(2024, 1, 10), c) for c in channels)))
    # 5 digital of 9 contacts.
    assert figure(result, "digital_pct", "2024-01") == pytest.approx((5, 9, 500 / 9))


def test_self_service_pct_counts_web_and_app_only():
    channels = ("phone", "email", "web", "face_to_face", "letter", "webchat", "social_media",
                "app", "other", "web")
    result = run(contacts(*(contact(utc(2024, 1, 10), c) for c in channels)))
    # web twice and app once: 3 self-service of 10 contacts; e-mail, webchat and social media
    # are digital (6 of 10) but need staff.
    assert figure(result, "self_service_pct", "2024-01") == pytest.approx((3, 10, 30))
    assert figure(result, "digital_pct", "2024-01") == pytest.approx((6, 10, 60))
    by_channel = run(contacts(*(contact(utc(2024, 1, 10), c) for c in channels)),
                     by=("channel",))
    assert figure(by_channel, "self_service_pct", "2024-01", channel="web") == (2, 2, 100)
    assert figure(by_channel, "self_service_pct", "2024-01", channel="email") == (0, 1, 0)


def test_abandoned_and_answered_in_60_seconds():
    rows = contacts(
        contact(utc(2024, 1, 10), "phone", abandoned=True, wait_seconds=120),
        contact(utc(2024, 1, 10), "phone", abandoned=False, wait_seconds=30),  # in standard
        contact(utc(2024, 1, 10), "phone", abandoned=False, wait_seconds=60),  # in (<= 60)
        contact(utc(2024, 1, 10), "phone", abandoned=False, wait_seconds=61),  # not
        contact(utc(2024, 1, 10), "phone", abandoned=False, wait_seconds=None),  # wait unknown
        contact(utc(2024, 1, 10), "phone", abandoned=None, wait_seconds=10),  # abandon unknown
        contact(utc(2024, 1, 10), "email", abandoned=True, wait_seconds=5),  # not a phone
    )
    result = run(rows)
    # abandoned known on 5 phone contacts, true on 1.
    assert figure(result, "abandoned_pct", "2024-01") == (1, 5, 20)
    # answered (abandoned false) with a wait: 30, 60, 61 -> 2 of 3 within 60 s.
    assert figure(result, "answered_in_60s_pct", "2024-01") == pytest.approx((2, 3, 200 / 3))


def test_answer_standard_is_configurable():
    rows = contacts(contact(utc(2024, 1, 10), "phone", abandoned=False, wait_seconds=30),
                    contact(utc(2024, 1, 10), "phone", abandoned=False, wait_seconds=90))
    assert parts(run(rows, settings={"answer_standard_seconds": "20"}),
                 "answered_in_60s_pct", "2024-01") == (0, 2)
    assert parts(run(rows, settings={"answer_standard_seconds": "90"}),
                 "answered_in_60s_pct", "2024-01") == (2, 2)


# ---- written replies --------------------------------------------------------------------------

# England and Wales bank holidays over the turn of 2024: 25, 26 Dec 2024 and 1 Jan 2025.
# Received Fri 20 Dec 2024: +5 working days = Mon 23, Tue 24, Fri 27, Mon 30, Tue 31 -> due
#   Tue 31 Dec 2024.
# Received Tue 24 Dec 2024: +5 = Fri 27, Mon 30, Tue 31, Thu 2 Jan, Fri 3 Jan -> due 3 Jan 2025.
# Received Mon 3 Jun 2024: +5 = 4, 5, 6, 7, 10 -> due Mon 10 Jun 2024.
# Received 2024-06-06T23:30Z = 00:30 BST Fri 7 Jun (London date 7 Jun): +5 = 10..14 -> due
#   Fri 14 Jun (from the UTC date, Thu 6 Jun, it would be Thu 13 Jun).
WRITTEN_CASES = {
    "answered on the due date after Christmas": (
        "email", utc(2024, 12, 20, 10), utc(2024, 12, 31, 23, 30), utc(2025, 2, 1), (1, 1)),
    "answered the day after the due date": (
        "email", utc(2024, 12, 20, 10), utc(2025, 1, 2, 9), utc(2025, 2, 1), (0, 1)),
    "due over New Year, answered on the due date": (
        "letter", utc(2024, 12, 24, 10), utc(2025, 1, 3, 16), utc(2025, 2, 1), (1, 1)),
    "due over New Year, answered late": (
        "letter", utc(2024, 12, 24, 10), utc(2025, 1, 6, 9), utc(2025, 2, 1), (0, 1)),
    # Not answered; due 31 Dec, as_of date 1 Jan: due before as_of -> counts, late.
    "unanswered, due before the as_of date": (
        "web", utc(2024, 12, 20, 10), None, utc(2025, 1, 1, 12), (0, 1)),
    # Not answered; due 31 Dec, as_of date 31 Dec: not yet due -> not counted.
    "unanswered, due on the as_of date": (
        "web", utc(2024, 12, 20, 10), None, utc(2024, 12, 31, 23, 59), (0, 0)),
    # 22:59Z on 10 Jun = 23:59 BST on the due date.
    "answered late on the due date in summer time": (
        "email", utc(2024, 6, 3, 9), utc(2024, 6, 10, 22, 59), utc(2024, 7, 1), (1, 1)),
    # 23:30Z on 10 Jun = 00:30 BST on 11 Jun: a day late.
    "answered after London midnight in summer time": (
        "email", utc(2024, 6, 3, 9), utc(2024, 6, 10, 23, 30), utc(2024, 7, 1), (0, 1)),
    "received after London midnight: due from the London date": (
        "email", utc(2024, 6, 6, 23, 30), utc(2024, 6, 14, 10), utc(2024, 7, 1), (1, 1)),
    "webchat is digital but not written": (
        "webchat", utc(2024, 6, 3, 9), None, utc(2024, 7, 1), (0, 0)),
    "phone is not written": (
        "phone", utc(2024, 6, 3, 9), utc(2024, 6, 20), utc(2024, 7, 1), (0, 0)),
}


@pytest.mark.parametrize(("channel", "received", "responded", "as_of", "expected"),
                         WRITTEN_CASES.values(), ids=WRITTEN_CASES.keys())
def test_written_on_time(channel, received, responded, as_of, expected):
    rows = contacts(contact(received, channel, responded_at=responded),
                    contact(as_of, "phone", service="Anchor"))
    assert parts(run(rows), "written_on_time_pct", received.strftime("%Y-%m")) == expected


# ---- counts without a denominator -------------------------------------------------------------

def test_count_kpis_have_no_denominator_and_value_equals_numerator():
    rows = contacts(contact(utc(2024, 1, 10), safeguarding=True),
                    contact(utc(2024, 1, 11), safeguarding=False),
                    contact(utc(2024, 1, 12), safeguarding=None))
    result = run(rows)
    assert figure(result, "contacts", "2024-01") == (3, None, 3)
    assert figure(result, "safeguarding_contacts", "2024-01") == (1, None, 1)


def test_an_empty_month_has_no_figures_not_zeros():
    rows = contacts(contact(utc(2024, 1, 10), customer_ref="c1"),
                    contact(utc(2024, 3, 10), customer_ref="c1"))
    result = run(rows)
    assert set(result.get_column("month")) == {"2024-01", "2024-03"}
    assert figure(result, "contacts", "2024-02") is None


def test_figures_by_service_ward_and_period():
    rows = contacts(
        contact(utc(2024, 1, 10), "phone", "Waste", ward="North", customer_ref="c1"),
        contact(utc(2024, 1, 11), "email", "Waste", ward="South", customer_ref="c1"),
        contact(utc(2024, 1, 12), "web", "Housing", ward=None, customer_ref="c1"),
        contact(utc(2024, 2, 12), "web", "Housing", ward="North"),
    )
    by_service = run(rows, by=("service",))
    # Waste: B repeats A -> 1/2; Housing: one first contact -> 0/1.
    assert parts(by_service, "repeat_contact_pct", "2024-01", service="Waste") == (1, 2)
    assert parts(by_service, "repeat_contact_pct", "2024-01", service="Housing") == (0, 1)
    by_ward = run(rows, by=("ward",))
    assert parts(by_ward, "contacts", "2024-01", ward="North") == (1, None)
    assert parts(by_ward, "contacts", "2024-01", ward="") == (1, None)  # ward not recorded
    only_feb = run(rows, by=("service",), first_month="2024-02", last_month="2024-02")
    assert set(only_feb.get_column("month")) == {"2024-02"}
    assert set(only_feb.get_column("service")) == {"Housing"}
    filtered = run(rows, filters={"service": ("Waste",)})
    assert figure(filtered, "contacts", "2024-01") == (2, None, 2)
    assert figure(filtered, "contacts", "2024-02") is None
    assert set(filtered.get_column("service")) == {"All"}
    assert set(filtered.get_column("kpi")) >= {"repeat_contact_pct", "channel_shift_saving_gbp"}
    assert filtered.filter(pl.col("kpi") == "contacts").height == 1
