"""The words around a figure, worked out from the figures as displayed (`metrics.wording`):
each example is one of the defects seen on the demo council, checked by hand."""

import pytest

import metrics.kpis  # noqa: F401  (registers every KPI)
from metrics.registry import REGISTRY
from metrics.spc import xmr
from metrics.targets import AMBER, GREEN, RED
from metrics.wording import (
    against,
    change,
    format_value,
    rag_line,
    rag_shown,
    reading,
    shown,
    spc_reading,
    why_they_differ,
)

K = REGISTRY


@pytest.mark.parametrize(("kpi", "now", "before", "text", "arrow", "metric_arrow"), [
    ("failure_demand_pct", 31.0, 38.0, "−7.0 points", "↓", "down"),
    ("contacts", 12_500, 11_000, "+1,500", "↑", "up"),
    # "↑ −£1,448" was drawn for a fall: the arrow is now set from the change, never parsed.
    ("cost_to_serve_gbp", 1000.0, 1250.4, "−£250", "↓", "down"),
    ("channel_shift_saving_gbp", 30_390.2, 30_705.4, "−£315", "↓", "down"),
    # 5.25 prints as 5.2 (binary rounding), 5.5 as 5.5: the change shown is 0.3, not 0.25.
    ("ces_mean", 5.5, 5.25, "+0.3", "↑", "up"),
    ("carbon_kg", 1194.4, 1016.2, "+178 kg", "↑", "up"),
])
def test_a_change_reads_in_the_kpis_own_unit_with_its_arrow(kpi, now, before, text, arrow,
                                                            metric_arrow):
    moved = change(K[kpi], now, before)
    assert (moved.text, moved.arrow, moved.metric_arrow) == (text, arrow, metric_arrow)


def test_a_change_shown_as_zero_is_no_change_never_minus_zero():
    # 5.46 and 5.49 both print as 5.5: "-0.0 on last month" was shown for this.
    moved = change(K["ces_mean"], 5.46, 5.49)
    assert (moved.amount, moved.text, moved.direction, moved.arrow, moved.metric_arrow,
            moved.judgement) == (0.0, "no change", "no change", "→", "off", None)
    assert format_value(K["failure_demand_pct"], -0.04) == "0.0 %"
    assert format_value(K["channel_shift_saving_gbp"], -315.4) == "−£315"


def test_the_change_is_the_difference_of_the_figures_printed():
    # The pack printed "down 5.4" beside 32.0 → 26.5 (32.04 − 26.46 = 5.58 → "5.6", or the raw
    # difference rounded): now the printed figures' difference, 5.5.
    kpi = K["failure_demand_pct"]
    assert (format_value(kpi, 32.04), format_value(kpi, 26.46)) == ("32.0 %", "26.5 %")
    assert change(kpi, 26.46, 32.04).size == "5.5 percentage points"
    # "up 1.5" beside 4.7 → 6.1 and "up 7.0" beside 83.9 → 90.8:
    assert change(kpi, 6.14, 4.66).size == "1.4 percentage points"
    assert change(kpi, 90.84, 83.86).size == "6.9 percentage points"


@pytest.mark.parametrize(("kpi", "now", "before", "judgement"), [
    ("failure_demand_pct", 24.7, 31.0, "better"),  # lower is better
    ("failure_demand_pct", 31.0, 24.7, "worse"),
    ("stage1_on_time_pct", 93.2, 94.3, "worse"),  # higher is better
    ("stage1_on_time_pct", 94.3, 93.2, "better"),
    ("contacts", 21_463, 21_726, None),  # no better direction
])
def test_better_or_worse_follows_the_kpis_polarity(kpi, now, before, judgement):
    assert change(K[kpi], now, before).judgement == judgement


def test_rag_is_judged_on_the_value_shown():
    # "Just misses target · target 5.5" beside a value shown as 5.5 (5.46).
    kpi = K["ces_mean"]
    assert rag_shown(kpi, 5.46, 5.5, 0.5) == GREEN
    assert rag_shown(kpi, 5.44, 5.5, 0.5) == AMBER  # shown as 5.4
    assert rag_shown(kpi, 4.94, 5.5, 0.5) == RED  # shown as 4.9
    assert rag_shown(K["contacts"], 100, 50, 0) is None
    assert rag_line(kpi, GREEN, 5.5) == "✔ Meets target · target 5.5"
    assert rag_line(K["contacts"], None, None) == "no target"


# 12 months alternating 91 and 93 (mean 92, moving ranges 2, limits 92 ± 5.32 = 86.68 to
# 97.32), then 99: beyond the upper limit; or 92, on the centre line.
HIGH = [91.0, 93.0] * 6 + [99.0]
FLAT = [91.0, 93.0] * 6 + [92.0]


def test_a_fall_on_the_year_and_a_high_month_are_two_claims():
    # "93.2 %, down from 94.3 % a year ago: a real improvement, not noise" joined the year's
    # fall to an SPC signal about something else. Now each claim stands alone.
    kpi = K["stage1_on_time_pct"]
    assert reading(kpi, 93.2, 94.3, xmr(FLAT, "higher")) == (
        "Stage 1 replies on time 93.2 %, down 1.1 percentage points from 94.3 % a year ago "
        "(worse); this month is within normal variation.")
    assert reading(kpi, 93.2, 94.3, xmr(HIGH, "higher")) == (
        "Stage 1 replies on time 93.2 %, down 1.1 percentage points from 94.3 % a year ago "
        "(worse); this month is higher than normal variation explains: an improvement.")
    assert reading(kpi, 93.2, None, xmr(HIGH[:5], "higher")) == (
        "Stage 1 replies on time 93.2 %; this month: too few months yet to tell a real change "
        "from normal variation.")


@pytest.mark.parametrize(("values", "better", "words"), [
    (HIGH, "lower", "this month is higher than normal variation explains: a concern"),
    ([-v for v in HIGH], "higher", "this month is lower than normal variation explains: a concern"),
    (HIGH, None, "this month is higher than normal variation explains: a real change, neither "
                 "better nor worse"),
    # 12 alternating points then 7 rising inside the limits (86.68 to 97.32): a trend alone.
    ([91.0, 93.0] * 6 + [89.0, 90.0, 91.0, 92.0, 93.0, 94.0, 95.0], "higher",
     "this month continues a run of 7 or more rises: an improvement"),
])
def test_spc_reading_names_the_side_and_follows_the_polarity(values, better, words):
    assert spc_reading(xmr(values, better)) == words


def test_against_says_no_change_when_the_figures_print_the_same():
    assert against(K["csat_pct"], 82.04, 81.96, "last month") == (
        "no change from 82.0 % last month")
    assert against(K["csat_pct"], 82.0, None, "last month") is None


def test_one_line_explains_rag_and_assurance_pointing_opposite_ways():
    kpi = K["failure_demand_pct"]  # lower is better
    # Limits 86.68 to 97.32: all above a target of 25.
    spc = xmr(FLAT, "lower", target=25)
    assert spc.assurance == "fail"
    assert why_they_differ(kpi, GREEN, spc) == (
        "Why both: this month meets the target, but the current period's limits (86.7 % to "
        "97.3 %) both miss it, so most months will miss it unless this change lasts.")
    spc = xmr(FLAT, "lower", target=100)
    assert why_they_differ(kpi, RED, spc).startswith("Why both: this month misses the target")
    # Limits are said as drawn, clipped to 0–100: [97, 99] × 6 has limits 98 ± 5.32, so 92.68
    # to 103.32, said "92.7 % to 100.0 %".
    spc = xmr([97.0, 99.0] * 6, "higher", target=90)
    assert why_they_differ(K["csat_pct"], RED, spc) == (
        "Why both: this month misses the target, but the current period's limits (92.7 % to "
        "100.0 %) both meet it, so most months will meet it.")
    assert why_they_differ(kpi, GREEN, spc) is None
    assert why_they_differ(kpi, None, spc) is None


def test_shown_rounds_as_the_text_prints():
    assert shown(K["csat_pct"], 82.05) == float("82.0" if f"{82.05:.1f}" == "82.0" else "82.1")
    assert shown(K["cost_to_serve_gbp"], 59_528.6) == 59_529.0
    assert shown(K["contacts"], None) is None
