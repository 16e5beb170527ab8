"""XmR charts read with the NHS England "Making Data Count" (MDC) rules (`docs/kpis.md`).

A series is read in **periods**. The missing points (None or NaN) are skipped throughout: moving
ranges and runs join the points either side of a gap, and a missing point keeps its place in the
per-point lists with no signal.

Each period's centre line and limits come from its first 12 points, its baseline, and stay fixed
for the rest of the period:

    centre      = mean of the 12 baseline points
    MR_i        = |x_i - x_(i-1)| within the baseline (11 of them)
    MR_bar      = mean of the MR_i that are <= 3.267 × mean(MR)   (screened once)
    limits      = centre ± 2.66 × MR_bar

A new period starts at the first point that is either

- at or after a **change point an analyst recorded** (a month, for one KPI or for all, with the
  reason: a new service, the strategy's start), or
- the first point of a **run of 7 or more points on one side** of the current centre line (a
  point exactly on the line breaks a run),

where both only count after the current period's baseline (so no period has fewer than 12 points:
a run that begins inside the baseline is counted from the first point after it, and a change
point recorded inside it is not used), and only once 12 points exist from the new start (a run
that starts too late to give 12 points stays a signal against the current period). Fewer than 12
points in all: the values only, no limits.

Special cause rules, each within its period and against that period's limits (each point
records which fired):

- ``beyond_limit``: x_i > upper or x_i < lower.
- ``shift``: 7 or more consecutive points strictly on one side of the centre; every point of
  the run is flagged. A point exactly on the centre breaks the run.
- ``trend``: 7 or more consecutive points each higher (or each lower) than the one before,
  counting points, not steps: 7 points with 6 increases are a trend. This is the reading of the
  MDC SPC tool and of its R port NHSRplotthedots (``ptd_seven_point_trend`` takes 7 points and
  requires all 6 differences to share a sign). A repeated value breaks the run.
- ``two_of_three``: of 3 consecutive points, 2 or more are beyond two thirds of the way from the
  centre to the same limit (x > centre + 2/3 × (upper − centre), or the mirror below); those
  points are flagged. The words of `docs/kpis.md` are followed: a point beyond the limit itself
  also counts, and the third point may be anywhere (NHSRplotthedots differs on both).

Direction: a signal on the high side (above the centre, or a rising trend) is an improvement when
higher is better and a concern when lower is better. A point can sit in a rising trend yet below
the centre; then the rules about where the point lies (limit, shift, two of three) decide over
the trend, since they agree with what a reader sees. With no direction (better=None) a signal is
"neither", MDC's purple "special cause, neither improvement nor concern".

Assurance against a target (MDC's "consistently passes / hit and miss / consistently fails"),
on the latest period's limits: "pass" when both limits meet the target (>= when higher is
better, <= when lower), "fail" when both miss it, otherwise "hit_and_miss".
"""

import math
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

MIN_POINTS = 12  # a period's baseline, and the fewest points that give limits at all
RUN_LENGTH = 7
LIMIT_FACTOR = 2.66
MR_SCREEN_FACTOR = 3.267

FIRST = "first"  # why a period starts: the series' first point
CHANGE_POINT = "change point"  # a change an analyst recorded
SHIFT = "shift"  # a run of 7 or more points on one side of the previous centre line


@dataclass(frozen=True)
class ChangePoint:
    """A change an analyst recorded (a new system, the strategy's start): from `month` on, a new
    period may start, for one KPI (`kpi`) or, with kpi None, for every KPI."""

    month: str
    reason: str
    kpi: str | None = None


def change_positions(change_points: Sequence[ChangePoint], kpi_id: str,
                     months: Sequence[str]) -> dict[int, str]:
    """Position in `months` -> reason, for the change points recorded for `kpi_id` (or for all)
    within the months; one recorded for this KPI wins over one for all in the same month."""
    positions: dict[int, str] = {}
    for point in sorted(change_points, key=lambda p: p.kpi is None):
        if point.kpi in (None, kpi_id) and point.month in months:
            positions.setdefault(list(months).index(point.month), point.reason)
    return positions


@dataclass(frozen=True)
class Period:
    """One stretch of the series with one centre line and one pair of limits, from its first 12
    points. `start` is the position (in `values`) of its first point; a period runs to the next
    one's start. `why` is FIRST, CHANGE_POINT or SHIFT; `reason` the analyst's words for a
    change point, and for a shift "above" or "below" (the previous centre line)."""

    start: int
    mean: float
    lower: float
    upper: float
    why: str
    reason: str = ""
    earlier: bool = False  # it began before the first of the values (a `tail` cut it)


@dataclass(frozen=True)
class SpcResult:
    """One XmR chart: per-point lists align with ``values``; `mean`, `lower`, `upper` are the
    latest period's (None below 12 points). `sides` per point: +1 a signal on the high (or
    rising) side, -1 low (falling), 0 none."""

    values: list[float | None]
    mean: float | None
    lower: float | None
    upper: float | None
    signals: list[str | None]
    rules: list[frozenset[str]]
    variation: str | None
    assurance: str | None
    periods: tuple[Period, ...] = ()
    sides: tuple[int, ...] = ()

    def period_at(self, position: int) -> Period | None:
        """The period `values[position]` is read in (None before the first, or without limits)."""
        found = None
        for period in self.periods:
            if period.start <= position:
                found = period
        return found

    def tail(self, n: int) -> "SpcResult":
        """The last n points of the same reading: the per-point lists cut, the periods that reach
        into them kept (one that began earlier now starts at 0); verdicts unchanged."""
        cut = max(len(self.values) - n, 0)
        periods = tuple(replace(p, start=max(p.start - cut, 0), earlier=p.start < cut)
                        for i, p in enumerate(self.periods)
                        if i + 1 == len(self.periods) or self.periods[i + 1].start > cut)
        return replace(self, values=self.values[cut:], signals=self.signals[cut:],
                       rules=self.rules[cut:], sides=self.sides[cut:], periods=periods)


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _mark_runs(keys: list[int], min_length: int) -> list[int]:
    """Keep each nonzero key that is part of a run of >= min_length equal keys; others become 0."""
    marks = [0] * len(keys)
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if keys[start] != 0 and i - start >= min_length:
                marks[start:i] = keys[start:i]
            start = i
    return marks


def _limits(baseline: list[float]) -> tuple[float, float, float]:
    """(centre, lower, upper) of a baseline, with one screening pass of the moving ranges."""
    centre = sum(baseline) / len(baseline)
    ranges = [abs(b - a) for a, b in zip(baseline, baseline[1:])]
    mr_mean = sum(ranges) / len(ranges)
    # At least one range is <= 3.267 × their mean (they cannot all exceed it), so never empty.
    kept = [r for r in ranges if r <= MR_SCREEN_FACTOR * mr_mean]
    mr_bar = sum(kept) / len(kept)
    return centre, centre - LIMIT_FACTOR * mr_bar, centre + LIMIT_FACTOR * mr_bar


def _next_start(ys: list[float], start: int, centre: float,
                recorded: Mapping[int, str]) -> tuple[int, str, str] | None:
    """Where the period beginning at point `start` (of the present points `ys`) ends: the first
    point after its baseline, with 12 points from it, that is a recorded change point or the
    first point of a run of 7 or more on one side of `centre`. (k, why, reason) or None."""
    sides = [_sign(y - centre) for y in ys]
    after_baseline = start + MIN_POINTS
    for k in range(after_baseline, len(ys) - MIN_POINTS + 1):
        if k in recorded:
            return k, CHANGE_POINT, recorded[k]
        side = sides[k]
        if side == 0 or (k > after_baseline and sides[k - 1] == side):
            continue
        run = 0
        while k + run < len(ys) and sides[k + run] == side:
            run += 1
        if run >= RUN_LENGTH:
            return k, SHIFT, "above" if side > 0 else "below"
    return None


def _rule_sides(
    ys: list[float], centre: float, lower: float, upper: float
) -> dict[str, list[int]]:
    """Per rule, per point: +1 fired on the high/rising side, -1 low/falling, 0 not fired."""
    beyond = [1 if y > upper else -1 if y < lower else 0 for y in ys]
    shift = _mark_runs([_sign(y - centre) for y in ys], RUN_LENGTH)

    # A run of 7 points is a run of 6 steps; each step flags both of its points.
    steps = _mark_runs([_sign(b - a) for a, b in zip(ys, ys[1:])], RUN_LENGTH - 1)
    trend = [0] * len(ys)
    for i, step in enumerate(steps):
        if step:
            trend[i] = trend[i + 1] = step

    high_band = centre + 2 / 3 * (upper - centre)
    low_band = centre - 2 / 3 * (centre - lower)
    near = [1 if y > high_band else -1 if y < low_band else 0 for y in ys]
    two_of_three = [0] * len(ys)
    for start in range(len(ys) - 2):
        window = range(start, start + 3)
        for side in (1, -1):
            if sum(near[i] == side for i in window) >= 2:
                for i in window:
                    if near[i] == side:
                        two_of_three[i] = side

    return {"beyond_limit": beyond, "shift": shift, "trend": trend, "two_of_three": two_of_three}


def _signal(side: int, better: str | None) -> str:
    if better is None:
        return "neither"
    good_side = 1 if better == "higher" else -1
    return "improvement" if side == good_side else "concern"


def _assurance(lower: float, upper: float, target: float | None, better: str | None) -> str | None:
    if target is None or better is None:
        return None
    if better == "higher":
        passes, fails = lower >= target, upper < target
    else:
        passes, fails = upper <= target, lower > target
    return "pass" if passes else "fail" if fails else "hit_and_miss"


def xmr(
    values: Sequence[float | None], better: str | None, target: float | None = None,
    change_points: Mapping[int, str] | None = None,
) -> SpcResult:
    """XmR chart of ``values`` in time order; better is "higher", "lower" or None (no direction).

    change_points: position in `values` -> the analyst's reason, for changes recorded there (a
    position without a value moves to the next point that has one).
    """
    if better not in ("higher", "lower", None):
        raise ValueError(f"better must be 'higher', 'lower' or None, got {better!r}")
    points = [None if v is None or math.isnan(v) else float(v) for v in values]
    present = [i for i, v in enumerate(points) if v is not None]
    signals: list[str | None] = [None] * len(points)
    rules: list[frozenset[str]] = [frozenset()] * len(points)
    sides = [0] * len(points)
    if len(present) < MIN_POINTS:
        return SpcResult(points, None, None, None, signals, rules, None, None, (), tuple(sides))

    recorded: dict[int, str] = {}
    for position, reason in sorted((change_points or {}).items()):
        recorded.setdefault(bisect_left(present, position), reason)
    ys = [points[i] for i in present]
    periods: list[Period] = []
    start, why, reason = 0, FIRST, ""
    while True:
        centre, lower, upper = _limits(ys[start:start + MIN_POINTS])
        periods.append(Period(present[start], centre, lower, upper, why, reason))
        following = _next_start(ys, start, centre, recorded)
        end = following[0] if following else len(ys)
        fired_sides = _rule_sides(ys[start:end], centre, lower, upper)
        for k in range(start, end):
            fired = {name: s[k - start] for name, s in fired_sides.items() if s[k - start]}
            if not fired:
                continue
            position = [side for name, side in fired.items() if name != "trend"]
            i = present[k]
            rules[i] = frozenset(fired)
            sides[i] = position[0] if position else fired["trend"]
            signals[i] = _signal(sides[i], better)
        if following is None:
            break
        start, why, reason = following

    latest = periods[-1]
    variation = signals[present[-1]] or "common_cause"
    assurance = _assurance(latest.lower, latest.upper, target, better)
    return SpcResult(points, latest.mean, latest.lower, latest.upper, signals, rules, variation,
                     assurance, tuple(periods), tuple(sides))


# Making Data Count draws its variation and assurance icons in colour; here each also carries a
# symbol and words, so that no meaning rests on colour (WCAG 1.4.1).
VARIATION_LABELS = {
    "improvement": ("⬆", "Improvement: special cause"),
    "concern": ("⬇", "Concern: special cause"),
    "neither": ("◆", "Special cause, neither better nor worse"),
    "common_cause": ("↔", "Common cause: no significant change"),
    None: ("…", "Too few months for SPC"),
}
ASSURANCE_LABELS = {
    "pass": ("✔", "Consistently meets the target"),
    "fail": ("✖", "Consistently misses the target"),
    "hit_and_miss": ("⁇", "Hit and miss: may or may not meet the target"),
    None: ("", "No assurance: no target or too few months"),
}


def variation_label(result: SpcResult) -> tuple[str, str]:
    """(symbol, words) for the latest point's variation."""
    return VARIATION_LABELS[result.variation]


def assurance_label(result: SpcResult) -> tuple[str, str]:
    """(symbol, words) for assurance against the target."""
    return ASSURANCE_LABELS[result.assurance]
