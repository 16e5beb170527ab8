"""Wilson intervals against values worked by hand from the formula in metrics/intervals.py."""

import polars as pl
import pytest

from metrics.intervals import wilson, wilson_expr


@pytest.mark.parametrize(
    ("successes", "n", "lower", "upper"),
    [
        # 8/10: p = 0.8, z²/n = 3.841459/10 = 0.384146, scale 1.384146;
        # centre = (0.8 + 0.192073) / 1.384146 = 0.716740;
        # half = 1.959964 / 1.384146 × sqrt(0.016 + 0.0096036) = 1.416010 × 0.160011 = 0.226577.
        (8, 10, 0.490163, 0.943317),
        # 0/10: centre = 0.192073 / 1.384146 = 0.138767 = half, so lower is exactly 0.
        (0, 10, 0.0, 0.277533),
        (10, 10, 0.722467, 1.0),  # mirror image of 0/10
        # 50/100: centre 0.5; half = 1.959964 / 1.038415 × sqrt(0.0025 + 0.000096) = 0.096169.
        (50, 100, 0.403832, 0.596168),
    ],
)
def test_wilson_known_values(successes: int, n: int, lower: float, upper: float) -> None:
    assert wilson(successes, n) == pytest.approx((lower, upper), abs=1e-6)


def test_no_responses_no_interval() -> None:
    assert wilson(0, 0) is None


@pytest.mark.parametrize(("successes", "n"), [(11, 10), (-1, 10), (0, -1)])
def test_impossible_counts_are_refused(successes: int, n: int) -> None:
    with pytest.raises(ValueError):
        wilson(successes, n)


def test_expression_gives_percentages_and_nulls() -> None:
    df = pl.DataFrame({"s": [8, 0, 10, 50, 0, None, 3], "n": [10, 10, 10, 100, 0, 10, None]})
    low, high = wilson_expr(pl.col("s"), pl.col("n"))
    out = df.select(low=low, high=high)
    for (s, n), (lo, hi) in zip(df.rows()[:4], out.rows()[:4], strict=True):
        expected = wilson(s, n)
        assert (lo, hi) == pytest.approx((expected[0] * 100, expected[1] * 100))
    assert out.rows()[4:] == [(None, None)] * 3
