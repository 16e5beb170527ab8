"""XmR rules on small series whose mean, moving ranges and limits can be checked by hand."""

import math

import pytest

from metrics.spc import SpcResult, variation_text, xmr

STABLE = [10.0, 12.0] * 6
# mean 11; 11 moving ranges of 2, none screened; limits 11 ± 2.66 × 2 = 5.68 and 16.32;
# two-thirds bands 11 ± 3.5467. Alternating sides, no trend: common cause throughout.

SHIFT = [1, 9, 1, 9, 1, 9, 1, 6, 6, 6, 6, 6, 6, 6]
# mean 73/14 = 5.214; the last seven 6s sit above it (the 1 before them is below).
# MRs: six 8s, a 5, six 0s: mean 53/13 = 4.077, none above 3.267 × 4.077 = 13.3;
# limits 5.214 ± 10.845 = −5.630, 16.059; bands 5.214 ± 7.230: nothing near them.

ON_THE_MEAN = [-9, 9, -9, 9, 1, 1, 1, 0, 1, 1, 1, 1, -7]
# sum 0, so mean 0: the 9 and the 1s above it make runs of 4 and 4, broken by the 0.
UNBROKEN = [-9, 9, -9, 9, 1, 1, 1, 1, 1, 1, 1, 1, -8]
# sum 0, mean 0: 9 then eight 1s = 9 points above (indices 3..11), a shift.

TREND = [4, 6, 4, 6, 4, 6, 2, 3, 4, 5, 6, 7, 8, 4]
# 2, 3, 4, 5, 6, 7, 8 at indices 6..12: seven points, six rises. mean 69/14 = 4.929 (2, 3, 4
# below, 5..8 above: no shift). MRs 2,2,2,2,2,4,1,1,1,1,1,1,4: mean 24/13 = 1.846;
# limits 4.929 ± 4.911 = 0.018, 9.839; bands 4.929 ± 3.274 = 1.655, 8.203: none.
SIX_RISES = [4, 6, 4, 6, 4, 6, 3, 4, 5, 6, 7, 8, 4]
# 3..8: six points, five rises: not a trend (and nothing else: limits 0.277, 10.031).

TWO_OF_THREE = [10, 12] * 10 + [17, 11, 17]
# mean 265/23 = 11.5217. MRs: nineteen 2s, then 5, 6, 6: mean 55/22 = 2.5 exactly, none screened.
# limits 11.5217 ± 6.65 = 4.8717, 18.1717; upper band 11.5217 + 2/3 × 6.65 = 15.9550.
# Window (17, 11, 17): two points beyond the band, neither beyond the limit -> both flagged.
ONE_OF_THREE = [10, 12] * 10 + [17, 11, 12]
# mean 260/23 = 11.3043; MRs 38 + 5 + 6 + 1 = 50 over 22 = 2.2727; limits 11.3043 ± 6.0455;
# band 15.3347: the 17 is the only point beyond it, and below the 17.3498 limit. Nothing fires.

SCREENED = [10, 12, 10, 12, 10, 12, 40, 12, 10, 12, 10, 12, 10]
# mean 172/13 = 13.2308. MRs: five 2s, 28, 28, five 2s: mean 76/12 = 6.333;
# 3.267 × 6.333 = 20.69, so both 28s are left out and the mean MR is taken again: 20/10 = 2.
# limits 13.2308 ± 5.32 = 7.9108, 18.5508 (unscreened they would be ± 16.847).
# The 40 is beyond the upper limit; the 10s and 12s are below the mean but only 6 in a row.

LATEST_BEYOND = [8, 14] * 6 + [50]
# mean 182/13 = 14 exactly (the 14s sit on it). MRs: eleven 6s and a 36: mean 102/12 = 8.5;
# 36 > 3.267 × 8.5 = 27.77 is screened out: mean MR 6; limits 14 ± 15.96 = −1.96, 29.96.


def flagged(result: SpcResult) -> dict[int, set[str]]:
    return {i: set(r) for i, r in enumerate(result.rules) if r}


def test_stable_series_is_common_cause() -> None:
    r = xmr(STABLE, "higher")
    assert (r.mean, r.lower, r.upper) == pytest.approx((11, 5.68, 16.32))
    assert flagged(r) == {}
    assert r.signals == [None] * 12
    assert r.variation == "common_cause"
    assert variation_text(r) == "normal variation (noise)"


def test_shift_of_seven_points_above_the_mean() -> None:
    r = xmr(SHIFT, "higher")
    mean, half_width = 73 / 14, 2.66 * 53 / 13
    assert (r.mean, r.lower, r.upper) == pytest.approx((mean, mean - half_width, mean + half_width))
    assert flagged(r) == {i: {"shift"} for i in range(7, 14)}
    assert r.signals == [None] * 7 + ["improvement"] * 7
    assert r.variation == "improvement"
    assert variation_text(r) == "a real improvement, not noise"


def test_a_point_on_the_mean_breaks_a_shift() -> None:
    assert flagged(xmr(ON_THE_MEAN, "higher")) == {}
    assert flagged(xmr(UNBROKEN, "higher")) == {i: {"shift"} for i in range(3, 12)}


def test_trend_of_seven_rising_points() -> None:
    r = xmr(TREND, "higher")
    assert (r.lower, r.upper) == pytest.approx((69 / 14 - 2.66 * 24 / 13, 69 / 14 + 2.66 * 24 / 13))
    assert flagged(r) == {i: {"trend"} for i in range(6, 13)}
    # A rising trend is an improvement when higher is better, even for points below the mean.
    assert r.signals[6:13] == ["improvement"] * 7
    assert r.variation == "common_cause"  # the last point, 4, falls back into the noise


def test_six_rising_points_are_not_a_trend() -> None:
    assert flagged(xmr(SIX_RISES, "higher")) == {}


def test_falling_trend_is_a_concern_when_higher_is_better() -> None:
    r = xmr([-v for v in TREND], "higher")
    assert flagged(r) == {i: {"trend"} for i in range(6, 13)}
    assert r.signals[6:13] == ["concern"] * 7


def test_two_of_three_beyond_two_thirds_of_the_way_to_a_limit() -> None:
    r = xmr(TWO_OF_THREE, "higher")
    assert (r.mean, r.lower, r.upper) == pytest.approx((265 / 23, 265 / 23 - 6.65, 265 / 23 + 6.65))
    assert flagged(r) == {20: {"two_of_three"}, 22: {"two_of_three"}}
    assert r.signals[20:] == ["improvement", None, "improvement"]
    assert r.variation == "improvement"


def test_one_of_three_is_not_a_signal() -> None:
    assert flagged(xmr(ONE_OF_THREE, "higher")) == {}


def test_moving_range_screening_and_a_point_beyond_the_upper_limit() -> None:
    r = xmr(SCREENED, "higher")
    assert r.mean == pytest.approx(172 / 13)
    assert (r.lower, r.upper) == pytest.approx((172 / 13 - 5.32, 172 / 13 + 5.32))
    assert flagged(r) == {6: {"beyond_limit"}}
    assert r.signals[6] == "improvement"
    assert r.variation == "common_cause"


@pytest.mark.parametrize(
    ("values", "better", "latest"),
    [
        (LATEST_BEYOND, "higher", "improvement"),  # high point, higher is better
        (LATEST_BEYOND, "lower", "concern"),  # high point, lower is better
        ([28 - v for v in LATEST_BEYOND], "higher", "concern"),  # mirrored: −22 below −1.96
        ([28 - v for v in LATEST_BEYOND], "lower", "improvement"),
        (LATEST_BEYOND, None, "neither"),  # no direction: MDC's "neither"
    ],
)
def test_direction_decides_improvement_or_concern(
    values: list[float], better: str | None, latest: str
) -> None:
    r = xmr(values, better)
    mean = sum(values) / 13
    assert (r.mean, r.lower, r.upper) == pytest.approx((mean, mean - 15.96, mean + 15.96))
    assert flagged(r) == {12: {"beyond_limit"}}
    assert r.variation == latest


def test_position_rules_decide_over_a_trend() -> None:
    # 1..7 rise below the mean (11.571) and then jump to 20: the MR of 13 is screened out,
    # mean MR 18/12 = 1.5, limits 11.571 ± 3.99 = 7.581, 15.561. Points 1..7 are below the
    # lower limit (so also beyond two thirds of the way to it), in a shift below the mean and
    # in a rising trend at once.
    r = xmr([1, 2, 3, 4, 5, 6, 7, 20, 18, 20, 18, 20, 18, 20], "higher")
    assert (r.lower, r.upper) == pytest.approx((162 / 14 - 3.99, 162 / 14 + 3.99))
    everything = {"beyond_limit", "shift", "trend", "two_of_three"}
    assert r.rules[0] == everything
    assert r.signals[:7] == ["concern"] * 7  # below the mean is what the reader sees
    assert r.rules[7] == everything
    assert r.signals[7:] == ["improvement"] * 7


@pytest.mark.parametrize(
    "values",
    [list(range(11)), STABLE[:11] + [None], [*STABLE[:11], math.nan], []],
)
def test_fewer_than_twelve_points_give_values_only(values: list[float | None]) -> None:
    r = xmr(values, "higher", target=5)
    assert (r.mean, r.lower, r.upper, r.variation, r.assurance) == (None, None, None, None, None)
    assert r.signals == [None] * len(values)
    assert r.rules == [frozenset()] * len(values)
    assert variation_text(r) == "too few months to judge"


def test_missing_points_keep_their_place_but_are_left_out() -> None:
    r = xmr([*STABLE[:6], None, *STABLE[6:]], "higher")
    assert (r.mean, r.lower, r.upper) == pytest.approx((11, 5.68, 16.32))
    assert r.values[6] is None and len(r.signals) == 13


@pytest.mark.parametrize(
    ("better", "target", "assurance"),
    [
        # STABLE has limits 5.68 and 16.32.
        ("higher", 5, "pass"),  # lower limit 5.68 >= 5: every month meets it
        ("higher", 5.68, "pass"),  # meeting is >=, so a limit on the target still passes
        ("higher", 17, "fail"),  # upper limit 16.32 < 17: no month will meet it
        ("higher", 11, "hit_and_miss"),
        ("lower", 17, "pass"),
        ("lower", 5, "fail"),
        ("lower", 11, "hit_and_miss"),
        ("higher", None, None),
        (None, 11, None),
    ],
)
def test_assurance_against_a_target(
    better: str | None, target: float | None, assurance: str | None
) -> None:
    assert xmr(STABLE, better, target).assurance == assurance


@pytest.mark.parametrize(
    ("values", "better", "text"),
    [
        (SHIFT, "higher", "a real improvement, not noise"),
        (SHIFT, "lower", "a real deterioration"),
        (SHIFT, None, "a real change, not noise"),
        (STABLE, "higher", "normal variation (noise)"),
        (STABLE[:5], "higher", "too few months to judge"),
    ],
)
def test_variation_text(values: list[float], better: str | None, text: str) -> None:
    assert variation_text(xmr(values, better)) == text


def test_unknown_direction_is_refused() -> None:
    with pytest.raises(ValueError):
        xmr(STABLE, "up")
