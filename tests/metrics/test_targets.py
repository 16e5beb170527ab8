"""RAG: green meets, amber misses by no more than the tolerance, red misses by more."""

import pytest

from metrics.targets import Rag, rag

GREEN = Rag("green", "Meets target", "✔")
AMBER = Rag("amber", "Just misses target", "▲")
RED = Rag("red", "Misses target", "✖")


@pytest.mark.parametrize(
    ("value", "target", "better", "tolerance", "expected"),
    [
        (96, 95, "higher", 1, GREEN),
        (95, 95, "higher", 1, GREEN),  # meeting is >=
        (94.5, 95, "higher", 1, AMBER),
        (94, 95, "higher", 1, AMBER),  # a miss of exactly the tolerance is still amber
        (93.9, 95, "higher", 1, RED),
        (94.9, 95, "higher", 0, RED),  # no tolerance, no amber
        (94.9, 95, "higher", None, RED),
        (4, 5, "lower", 0.5, GREEN),
        (5, 5, "lower", 0.5, GREEN),  # meeting is <=
        (5.5, 5, "lower", 0.5, AMBER),
        (5.6, 5, "lower", 0.5, RED),
        (100 * 29 / 50, 58, "higher", 0, GREEN),  # 57.99999999999999 in binary floating point
        (1.3, 1.0, "lower", 0.3, AMBER),  # miss of 0.30000000000000004
        (None, 95, "higher", 1, None),
        (96, None, "higher", 1, None),
    ],
)
def test_rag(
    value: float | None,
    target: float | None,
    better: str,
    tolerance: float | None,
    expected: Rag | None,
) -> None:
    assert rag(value, target, better, tolerance) == expected


@pytest.mark.parametrize(("better", "tolerance"), [("up", 1), ("higher", -1)])
def test_bad_configuration_is_refused(better: str, tolerance: float) -> None:
    with pytest.raises(ValueError):
        rag(90, 95, better, tolerance)
