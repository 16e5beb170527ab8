"""XmR rules on small series whose periods, means, moving ranges and limits can be checked by
hand: each period's centre and limits come from its first 12 points (kpis.md, SPC, Periods)."""

import math

import pytest

from metrics.spc import CHANGE_POINT, FIRST, SHIFT, Period, SpcResult, xmr

STABLE = [10.0, 12.0] * 6
# mean 11; 11 moving ranges of 2, none screened; limits 11 ± 2.66 × 2 = 5.68 and 16.32;
# two-thirds bands 11 ± 3.5467. Alternating sides, no trend: common cause throughout.

SHIFT_IN_PERIOD = [1, 9, 1, 9, 1, 9, 1, 6, 6, 6, 6, 6, 6, 6]
# The baseline is the first 12: sum 31 + 5 × 6 = 61, mean 61/12 = 5.083. Its MRs: six 8s, a 5,
# four 0s: 53/11 = 4.818, none above 3.267 × 4.818 = 15.7; limits 5.083 ± 12.816.
# The seven 6s (positions 7..13) sit above the centre: a shift. It began inside the baseline,
# and only 2 points follow the baseline, so it starts no new period.

ON_THE_MEAN = [-9, 9, -9, 9, 1, 1, 1, 0, 1, 1, 1, -6]
# sum 0, so mean 0: the 9 and the 1s above it make runs of 4 and 3, broken by the 0 on the line.
# MRs 18, 18, 18, 8, 0, 0, 1, 1, 0, 0, 7: mean 71/11 = 6.45, limits ± 17.17: nothing beyond.
UNBROKEN = [-9, 9, -9, 9, 1, 1, 1, 1, 1, 1, 1, -7]
# sum 0, mean 0: the 9 then seven 1s = 8 points above (positions 3..10), a shift.

TREND = [4, 6, 4, 6, 4, 6, 2, 3, 4, 5, 6, 7, 8, 4]
# 2, 3, 4, 5, 6, 7, 8 at positions 6..12: seven points, six rises. Baseline (first 12): sum 57,
# mean 4.75 (sides - + - + - + - - - + + + then + -: no run of 7). MRs 2,2,2,2,2,4,1,1,1,1,1:
# 19/11 = 1.727; limits 4.75 ± 4.595 = 0.155, 9.345; bands 4.75 ± 3.063 = 1.687, 7.813: only
# the 8 is beyond a band, alone in its three.
SIX_RISES = [4, 6, 4, 6, 4, 6, 3, 4, 5, 6, 7, 8, 4]
# 3..8: six points, five rises: not a trend. Baseline sum 63, mean 5.25; MRs 18/11 = 1.636;
# limits 0.897, 9.603; upper band 8.152: nothing fires.

TWO_OF_THREE = [10, 12] * 10 + [15, 11, 15]
# Baseline [10, 12] × 6: mean 11, limits 5.68, 16.32, upper band 14.547. (15, 11, 15): two
# points beyond the band, neither beyond the limit -> both flagged. The 11 sits on the centre.
ONE_OF_THREE = [10, 12] * 10 + [15, 11, 12]
# Only the 15 is beyond the band: nothing fires.

SCREENED = [10, 12, 10, 12, 10, 12, 40, 12, 10, 12, 10, 12, 10]
# Baseline (first 12): sum 162, mean 13.5. MRs: five 2s, 28, 28, four 2s: 74/11 = 6.727;
# 3.267 × 6.727 = 21.98, so both 28s are left out and the mean MR is taken again: 18/9 = 2.
# limits 13.5 ± 5.32 = 8.18, 18.82 (unscreened they would be ± 17.89).
# The 40 is beyond the upper limit; the 10s and 12s are below the mean but only 6 in a row.

LATEST_BEYOND = [8, 14] * 6 + [50]
# Baseline [8, 14] × 6: mean 11, MRs eleven 6s: limits 11 ± 15.96 = −4.96, 26.96; the 50 is
# beyond the upper limit.


def flagged(result: SpcResult) -> dict[int, set[str]]:
    return {i: set(r) for i, r in enumerate(result.rules) if r}


def test_stable_series_is_common_cause() -> None:
    r = xmr(STABLE, "higher")
    assert (r.mean, r.lower, r.upper) == pytest.approx((11, 5.68, 16.32))
    assert flagged(r) == {}
    assert r.signals == [None] * 12
    assert r.variation == "common_cause"
    assert r.periods == (Period(0, 11, pytest.approx(5.68), pytest.approx(16.32), FIRST),)


def test_a_shift_inside_one_period() -> None:
    r = xmr(SHIFT_IN_PERIOD, "higher")
    mean, half_width = 61 / 12, 2.66 * 53 / 11
    assert (r.mean, r.lower, r.upper) == pytest.approx((mean, mean - half_width, mean + half_width))
    assert len(r.periods) == 1
    assert flagged(r) == {i: {"shift"} for i in range(7, 14)}
    assert r.signals == [None] * 7 + ["improvement"] * 7
    assert r.sides == (0,) * 7 + (1,) * 7
    assert r.variation == "improvement"


def test_a_point_on_the_mean_breaks_a_shift() -> None:
    assert xmr(ON_THE_MEAN, "higher").mean == 0
    assert flagged(xmr(ON_THE_MEAN, "higher")) == {}
    assert flagged(xmr(UNBROKEN, "higher")) == {i: {"shift"} for i in range(3, 11)}


def test_trend_of_seven_rising_points() -> None:
    r = xmr(TREND, "higher")
    assert (r.lower, r.upper) == pytest.approx((4.75 - 2.66 * 19 / 11, 4.75 + 2.66 * 19 / 11))
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
    assert r.sides[6:13] == (-1,) * 7


def test_two_of_three_beyond_two_thirds_of_the_way_to_a_limit() -> None:
    r = xmr(TWO_OF_THREE, "higher")
    assert (r.mean, r.lower, r.upper) == pytest.approx((11, 5.68, 16.32))
    assert flagged(r) == {20: {"two_of_three"}, 22: {"two_of_three"}}
    assert r.signals[20:] == ["improvement", None, "improvement"]
    assert r.variation == "improvement"


def test_one_of_three_is_not_a_signal() -> None:
    assert flagged(xmr(ONE_OF_THREE, "higher")) == {}


def test_moving_range_screening_and_a_point_beyond_the_upper_limit() -> None:
    r = xmr(SCREENED, "higher")
    assert r.mean == pytest.approx(13.5)
    assert (r.lower, r.upper) == pytest.approx((13.5 - 5.32, 13.5 + 5.32))
    assert flagged(r) == {6: {"beyond_limit"}}
    assert r.signals[6] == "improvement"
    assert r.variation == "common_cause"


@pytest.mark.parametrize(
    ("values", "better", "latest"),
    [
        (LATEST_BEYOND, "higher", "improvement"),  # high point, higher is better
        (LATEST_BEYOND, "lower", "concern"),  # high point, lower is better
        ([28 - v for v in LATEST_BEYOND], "higher", "concern"),  # mirrored: −22 below 1.04
        ([28 - v for v in LATEST_BEYOND], "lower", "improvement"),
        (LATEST_BEYOND, None, "neither"),  # no direction: MDC's "neither"
    ],
)
def test_direction_decides_improvement_or_concern(
    values: list[float], better: str | None, latest: str
) -> None:
    r = xmr(values, better)
    mean = sum(values[:12]) / 12
    assert (r.mean, r.lower, r.upper) == pytest.approx((mean, mean - 15.96, mean + 15.96))
    assert flagged(r) == {12: {"beyond_limit"}}
    assert r.variation == latest


def test_position_rules_decide_over_a_trend() -> None:
    # 1..7 rise below the mean and then jump to 20. Baseline (first 12): sum 124, mean 10.333;
    # the MR of 13 is screened out (> 3.267 × 27/11 = 8.02), mean MR (six 1s, four 2s) 14/10
    # = 1.4, limits 10.333 ± 3.724 = 6.609, 14.057. Points 1..6 are below the lower limit (so
    # also beyond two thirds of the way to it), in a shift below the mean and in a rising trend
    # at once.
    r = xmr([1, 2, 3, 4, 5, 6, 7, 20, 18, 20, 18, 20, 18, 20], "higher")
    assert (r.lower, r.upper) == pytest.approx((124 / 12 - 3.724, 124 / 12 + 3.724))
    everything = {"beyond_limit", "shift", "trend", "two_of_three"}
    assert r.rules[0] == everything
    assert r.signals[:7] == ["concern"] * 7  # below the mean is what the reader sees
    assert r.rules[7] == everything
    assert r.signals[7:] == ["improvement"] * 7


# ---- periods: the worked examples of kpis.md's "Periods" ---------------------------------------

BEFORE = [9.0, 11.0] * 6  # mean 10, MR 2: limits 10 ± 5.32 = 4.68, 15.32
AFTER = [19.0, 21.0] * 6  # mean 20, MR 2: limits 14.68, 25.32


def test_a_step_change_starts_a_new_period_with_its_own_limits() -> None:
    # Positions 12..23 are all above the first centre line (10): a run of 12, starting right
    # after the baseline, with 12 points from its start. Period 2's baseline is positions
    # 12..23 themselves: mean 20, MRs all 2, limits 20 ± 5.32.
    r = xmr(BEFORE + AFTER, "higher", target=15)
    assert r.periods == (Period(0, 10, pytest.approx(4.68), pytest.approx(15.32), FIRST),
                         Period(12, 20, pytest.approx(14.68), pytest.approx(25.32), SHIFT,
                                "above"))
    # Read against their own period, no point is a signal: the process moved and settled.
    assert flagged(r) == {}
    assert r.variation == "common_cause"
    # Assurance on the latest period: lower limit 14.68 < 15 <= upper: hit and miss.
    assert (r.mean, r.lower, r.upper) == pytest.approx((20, 14.68, 25.32))
    assert r.assurance == "hit_and_miss"
    assert xmr(BEFORE + AFTER, "higher", target=14).assurance == "pass"
    assert r.period_at(11).mean == 10 and r.period_at(12).mean == 20


def test_a_run_that_starts_too_late_for_12_points_stays_a_signal() -> None:
    # 22 points: the run after the baseline is 10 long, but 12 + 12 = 24 > 22, so no new
    # period yet: the ten 19s and 21s are beyond the 15.32 limit and, with the baseline's last
    # 11, a shift of 11 points above 10.
    r = xmr(BEFORE + AFTER[:10], "higher")
    assert len(r.periods) == 1
    assert flagged(r) == {11: {"shift"}} | {
        i: {"shift", "beyond_limit", "two_of_three"} for i in range(12, 22)}
    assert r.variation == "improvement"
    # Two months later the run has its 12 points and its own period.
    assert len(xmr(BEFORE + AFTER, "higher").periods) == 2


def test_a_recorded_change_point_starts_a_period() -> None:
    # [10, 12] × 6 then [11, 13] × 6: the second half alternates on (11) and above the first
    # centre line (11), so no run of 7 on one side: one period of 24 points without a record.
    series = STABLE + [11.0, 13.0] * 6
    assert len(xmr(series, "higher").periods) == 1
    # Recorded at position 12 ("New phone system"): period 2 from there, mean 12, MR 2.
    r = xmr(series, "higher", change_points={12: "New phone system"})
    assert r.periods[1] == Period(12, 12, pytest.approx(6.68), pytest.approx(17.32),
                                  CHANGE_POINT, "New phone system")
    # Recorded inside the first period's baseline: not used (no period under 12 points).
    assert len(xmr(series, "higher", change_points={8: "too early"}).periods) == 1
    # Recorded at 14: only 10 points from it so far, so not yet in effect.
    assert len(xmr(series, "higher", change_points={14: "too late"}).periods) == 1


def test_a_change_point_on_a_missing_month_moves_to_the_next_value() -> None:
    # The month recorded (position 12) has no value: the period starts at the next point that
    # has one (position 13), and the missing month keeps its place with no signal.
    series = [*STABLE, None, *([11.0, 13.0] * 6)]
    r = xmr(series, "higher", change_points={12: "New phone system"})
    assert [p.start for p in r.periods] == [0, 13]
    assert r.period_at(12).start == 0 and r.signals[12] is None


def test_tail_keeps_the_periods_that_reach_into_the_window() -> None:
    r = xmr(BEFORE + AFTER, "higher").tail(6)
    assert r.values == AFTER[6:]
    assert [(p.start, p.mean) for p in r.periods] == [(0, pytest.approx(20))]
    r = xmr(BEFORE + AFTER, "higher").tail(14)
    assert [(p.start, p.mean, p.earlier) for p in r.periods] == [
        (0, pytest.approx(10), True), (2, pytest.approx(20), False)]


@pytest.mark.parametrize(
    "values",
    [list(range(11)), STABLE[:11] + [None], [*STABLE[:11], math.nan], []],
)
def test_fewer_than_twelve_points_give_values_only(values: list[float | None]) -> None:
    r = xmr(values, "higher", target=5)
    assert (r.mean, r.lower, r.upper, r.variation, r.assurance) == (None, None, None, None, None)
    assert r.signals == [None] * len(values)
    assert r.rules == [frozenset()] * len(values)
    assert r.periods == ()


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


def test_unknown_direction_is_refused() -> None:
    with pytest.raises(ValueError):
        xmr(STABLE, "up")
