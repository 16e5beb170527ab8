"""RAG against a KPI's target; never colour alone, so each status carries words and an icon.

With shortfall = target − value when higher is better, value − target when lower is better:

    green  "Meets target"        ✔   shortfall <= 0
    amber  "Just misses target"  ▲   0 < shortfall <= tolerance
    red    "Misses target"       ✖   shortfall > tolerance

Both comparisons forgive binary rounding (relative 1e-9), so 100 × 29/50 = 57.99999999999999
meets a target of 58, and a miss of 1.3 − 1.0 = 0.30000000000000004 is within a 0.3 tolerance.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Rag:
    status: str  # "green", "amber" or "red"
    words: str
    icon: str


GREEN = Rag("green", "Meets target", "✔")
AMBER = Rag("amber", "Just misses target", "▲")
RED = Rag("red", "Misses target", "✖")


def _at_most(a: float, b: float) -> bool:
    return a <= b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def rag(
    value: float | None, target: float | None, better: str, tolerance: float | None = 0.0
) -> Rag | None:
    """Rag for value against target; None when either is missing. tolerance None means 0."""
    if better not in ("higher", "lower"):
        raise ValueError(f"better must be 'higher' or 'lower', got {better!r}")
    tolerance = tolerance or 0.0
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance}")
    if value is None or target is None:
        return None
    if better == "higher":
        meets, shortfall = _at_most(target, value), target - value
    else:
        meets, shortfall = _at_most(value, target), value - target
    if meets:
        return GREEN
    return AMBER if _at_most(shortfall, tolerance) else RED
