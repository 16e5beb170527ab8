"""Satisfaction KPIs (`docs/kpis.md`, Satisfaction): month of responded_at, by the responses' own
service and channel."""

import polars as pl
import pytest

from tests.metrics.builders import contact, contacts, figure, response, responses, run, utc

SATISFACTION_KPIS = {"survey_responses", "csat_pct", "nps", "ces_mean"}
JAN = utc(2024, 1, 15, 12)


def _scores(name: str, values) -> pl.DataFrame:
    # Every response also carries a csat of 3, so that one without an nps or ces is still a valid
    # response (docs/feeds.md: at least one of csat, nps, ces).
    return responses(*(response(JAN, csat=3, **{name: v}) for v in values))


def test_csat_counts_4_and_5_of_responses_with_a_csat():
    rows = responses(*(response(JAN, csat=c) for c in (5, 4, 3, 1)),
                     response(JAN, csat=None, nps=8))
    result = run(response_rows=rows)
    # 5 responses; csat given on 4 of them, 4 or 5 on 2 -> 2 ÷ 4 = 50 %.
    assert figure(result, "survey_responses", "2024-01") == (5, None, 5)
    assert figure(result, "csat_pct", "2024-01") == (2, 4, 50)


@pytest.mark.parametrize(("scores", "expected"), [
    ([10, 9, 7, 3, None], (1, 4, 25)),  # promoters 2 − detractors 1 = 1; 100 × 1 ÷ 4
    ([0, 6, 9], (-1, 3, -100 / 3)),  # 1 − 2 = −1: a negative score
    ([10, 10], (2, 2, 100)),  # the top of the scale
    ([0, 6], (-2, 2, -100)),  # the bottom of the scale
    ([7, 8, 7], (0, 3, 0)),  # passives only
    ([None], (0, 0, None)),  # nobody answered the nps question
])
def test_nps_sign_and_scale(scores, expected):
    assert figure(run(response_rows=_scores("nps", scores)), "nps", "2024-01") == \
        pytest.approx(expected)


@pytest.mark.parametrize(("scores", "expected"), [
    ([7, 5, None, 3], (15, 3, 5)),  # (7 + 5 + 3) ÷ 3
    ([1, 2], (3, 2, 1.5)),
    ([None], (0, 0, None)),
])
def test_ces_mean(scores, expected):
    assert figure(run(response_rows=_scores("ces", scores)), "ces_mean", "2024-01") == expected


@pytest.mark.parametrize(("instant", "month"), [
    (utc(2024, 6, 30, 23, 30), "2024-07"),  # 00:30 BST on 1 July
    (utc(2024, 10, 31, 23, 30), "2024-10"),  # 23:30 GMT on 31 October
    (utc(2024, 3, 31, 0, 30), "2024-03"),  # 00:30 GMT, clocks go forward at 01:00
])
def test_month_of_responded_at_in_london(instant, month):
    result = run(response_rows=responses(response(instant, csat=5)))
    assert figure(result, "csat_pct", month) == (1, 1, 100)
    assert set(result.get_column("month")) == {month}


def test_grouped_by_the_responses_own_service_and_channel():
    # A Waste phone contact exists, but the responses are about Housing web and Waste email.
    rows = responses(response(JAN, "web", "Housing", csat=5),
                     response(JAN, "web", "Housing", csat=2),
                     response(JAN, "email", "Waste", csat=4))
    result = run(contacts(contact(JAN, "phone", "Waste")), response_rows=rows,
                 by=("service", "channel"))
    assert figure(result, "csat_pct", "2024-01", "Housing", "web") == (1, 2, 50)
    assert figure(result, "csat_pct", "2024-01", "Waste", "email") == (1, 1, 100)
    assert figure(result, "csat_pct", "2024-01", "Waste", "phone") is None
    by_channel = run(response_rows=rows, by=("channel",))
    assert figure(by_channel, "survey_responses", "2024-01", channel="web") == (2, None, 2)


def test_satisfaction_is_not_defined_by_ward():
    rows = responses(response(JAN, csat=5))
    contact_rows = contacts(contact(JAN, ward="North"))
    for result in (run(contact_rows, response_rows=rows, by=("ward",)),
                   run(contact_rows, response_rows=rows, filters={"ward": ("North",)})):
        assert not set(result.get_column("kpi")) & SATISFACTION_KPIS
        assert "contacts" in set(result.get_column("kpi"))
