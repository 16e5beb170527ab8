"""XmR charts read with the NHS England "Making Data Count" (MDC) rules (`docs/kpis.md`).

For the n non-null points x_1..x_n (n >= 12; fewer gives the values only):

    centre      = mean(x)
    MR_i        = |x_i - x_(i-1)|,  i = 2..n
    MR_bar      = mean of the MR_i that are <= 3.267 × mean(MR)   (screened once)
    limits      = centre ± 2.66 × MR_bar

Special cause rules (each point records which fired):

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

Assurance against a target (MDC's "consistently passes / hit and miss / consistently fails"):
"pass" when both limits meet the target (>= when higher is better, <= when lower), "fail" when
both miss it, otherwise "hit_and_miss".

Missing points (None or NaN) are left out of every calculation: moving ranges and runs join the
points either side of a gap. They keep their place in the per-point lists with no signal.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_POINTS = 12
RUN_LENGTH = 7
LIMIT_FACTOR = 2.66
MR_SCREEN_FACTOR = 3.267

_VERDICT_TEXT = {
    "improvement": "a real improvement, not noise",
    "concern": "a real deterioration",
    "neither": "a real change, not noise",
    "common_cause": "normal variation (noise)",
    None: "too few months to judge",
}


@dataclass(frozen=True)
class SpcResult:
    """One XmR chart: per-point lists align with ``values``; limits are None below 12 points."""

    values: list[float | None]
    mean: float | None
    lower: float | None
    upper: float | None
    signals: list[str | None]
    rules: list[frozenset[str]]
    variation: str | None
    assurance: str | None


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


def _limits(ys: list[float]) -> tuple[float, float, float]:
    """(centre, lower, upper) with one screening pass of the moving ranges."""
    centre = sum(ys) / len(ys)
    ranges = [abs(b - a) for a, b in zip(ys, ys[1:])]
    mr_mean = sum(ranges) / len(ranges)
    # At least one range is <= 3.267 × their mean (they cannot all exceed it), so never empty.
    kept = [r for r in ranges if r <= MR_SCREEN_FACTOR * mr_mean]
    mr_bar = sum(kept) / len(kept)
    return centre, centre - LIMIT_FACTOR * mr_bar, centre + LIMIT_FACTOR * mr_bar


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
    values: Sequence[float | None], better: str | None, target: float | None = None
) -> SpcResult:
    """XmR chart of ``values`` in time order; better is "higher", "lower" or None (no direction)."""
    if better not in ("higher", "lower", None):
        raise ValueError(f"better must be 'higher', 'lower' or None, got {better!r}")
    points = [None if v is None or math.isnan(v) else float(v) for v in values]
    present = [i for i, v in enumerate(points) if v is not None]
    signals: list[str | None] = [None] * len(points)
    rules: list[frozenset[str]] = [frozenset()] * len(points)
    if len(present) < MIN_POINTS:
        return SpcResult(points, None, None, None, signals, rules, None, None)

    ys = [points[i] for i in present]
    centre, lower, upper = _limits(ys)
    sides = _rule_sides(ys, centre, lower, upper)
    for k, i in enumerate(present):
        fired = {name: s[k] for name, s in sides.items() if s[k]}
        if not fired:
            continue
        rules[i] = frozenset(fired)
        position = [side for name, side in fired.items() if name != "trend"]
        signals[i] = _signal(position[0] if position else fired["trend"], better)

    variation = signals[present[-1]] or "common_cause"
    assurance = _assurance(lower, upper, target, better)
    return SpcResult(points, centre, lower, upper, signals, rules, variation, assurance)


def variation_text(result: SpcResult) -> str:
    """Plain-English reading of the latest point."""
    return _VERDICT_TEXT[result.variation]


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
