"""95 % Wilson score intervals for satisfaction rates (shown with their n, per docs/kpis.md).

For s successes out of n, p = s / n and z = 1.959964 (the 97.5th normal percentile):

    centre = (p + z² / 2n) / (1 + z² / n)
    half   = z / (1 + z² / n) × sqrt(p (1 − p) / n + z² / 4n²)
    interval = [centre − half, centre + half]

Wilson rather than the normal approximation because survey counts per month are small and the
rates sit near 0 or 100 %, where p ± z·sqrt(p(1−p)/n) spills outside 0–1 or collapses to a point.
"""

import math

import polars as pl

Z_95 = 1.959964


def wilson(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """(lower, upper) as proportions 0–1, or None when n == 0."""
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return None
    p = successes / n
    scale = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / scale
    half = z / scale * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # Rounding can leave 1e-17 below 0 at s = 0 (or above 1 at s = n); the true bound is 0 (1).
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_expr(successes: pl.Expr, n: pl.Expr, z: float = Z_95) -> tuple[pl.Expr, pl.Expr]:
    """(lower, upper) expressions as percentages 0–100; null where n is 0 or null."""
    n_ = pl.when(n > 0).then(n.cast(pl.Float64))
    p = successes.cast(pl.Float64) / n_
    scale = 1 + z * z / n_
    centre = (p + z * z / (2 * n_)) / scale
    half = z / scale * (p * (1 - p) / n_ + z * z / (4 * n_ * n_)).sqrt()
    return (
        ((centre - half) * 100).clip(0.0, 100.0),
        ((centre + half) * 100).clip(0.0, 100.0),
    )
