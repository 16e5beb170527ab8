"""Suppression of small numbers in anything published."""

import polars as pl
import pytest

from metrics.publish import suppress_count, suppress_frame, suppress_rate


@pytest.mark.parametrize(
    ("n", "threshold", "text"),
    [
        (0, 5, "0"),
        (1, 5, "<5"),
        (4, 5, "<5"),
        (4.0, 5, "<5"),
        (5, 5, "5"),
        (123, 5, "123"),
        (7.0, 5, "7"),
        (9, 10, "<10"),
        (10, 10, "10"),
    ],
)
def test_suppress_count(n: float, threshold: int, text: str) -> None:
    assert suppress_count(n, threshold) == text


def test_fractional_count_is_refused() -> None:
    with pytest.raises(ValueError):
        suppress_count(2.5)


@pytest.mark.parametrize(
    ("value", "denominator", "min_denominator", "shown"),
    [
        (50.0, 9, 10, None),
        (50.0, 10, 10, 50.0),
        (None, 0, 10, None),
        (50.0, None, 10, None),
        (50.0, 15, 20, None),
    ],
)
def test_suppress_rate(
    value: float | None, denominator: float | None, min_denominator: float, shown: float | None
) -> None:
    assert suppress_rate(value, denominator, min_denominator) == shown


PROPORTIONS = {"failure_demand_pct", "abandoned_pct", "csat_pct"}
ROWS = [
    # kpi, numerator, denominator, value -> numerator, denominator, value as published
    ("contacts", 3.0, None, 3.0, "<5", None, "<5"),
    ("contacts", 0.0, None, 0.0, "0", None, "0"),
    ("contacts", 12.0, None, 12.0, "12", None, "12"),
    ("failure_demand_pct", 3.0, 8.0, 37.5, None, None, None),  # denominator < 10: all blank
    ("failure_demand_pct", 0.0, 0.0, None, None, None, None),
    # A numerator of 1-4 withholds the whole rate (kpis.md): "<5" beside 40 and 7.5 % gives 3.
    ("failure_demand_pct", 3.0, 40.0, 7.5, None, None, None),
    ("failure_demand_pct", 37.0, 40.0, 92.5, None, None, None),  # its complement is 3
    ("failure_demand_pct", 5.0, 40.0, 12.5, "5", "40", "12.5"),
    ("abandoned_pct", 0.0, 12.0, 0.0, "0", "12", "0"),
    ("abandoned_pct", 12.0, 20.0, 60.0, "12", "20", "60"),
    ("cost_to_serve_gbp", 12.34, None, 12.34, "12.34", None, "12.34"),
    ("cost_to_serve_gbp", 3.0, None, 3.0, "3", None, "3"),  # £3 is money, not a count of people
]


def test_suppress_frame() -> None:
    df = pl.DataFrame(
        [("2025-01", "all", "all", *row[:4]) for row in ROWS],
        schema={
            "month": pl.String,
            "service": pl.String,
            "channel": pl.String,
            "kpi": pl.String,
            "numerator": pl.Float64,
            "denominator": pl.Float64,
            "value": pl.Float64,
        },
        orient="row",
    )
    out = suppress_frame(df, count_kpis={"contacts"}, proportions=PROPORTIONS)
    assert out.columns == df.columns
    assert out.select("numerator", "denominator", "value").dtypes == [pl.String] * 3
    labels = ["month", "service", "channel", "kpi"]
    assert out.select(labels).equals(df.select(labels))
    assert out.select("numerator", "denominator", "value").rows() == [row[4:] for row in ROWS]


def test_suppress_frame_thresholds_are_configurable() -> None:
    df = pl.DataFrame(
        {
            "month": ["2025-01"] * 3,
            "service": ["all"] * 3,
            "channel": ["all"] * 3,
            "kpi": ["contacts", "csat_pct", "csat_pct"],
            "numerator": [7.0, 9.0, 12.0],
            "denominator": [None, 15.0, 24.0],
            "value": [7.0, 60.0, 50.0],
        }
    )
    out = suppress_frame(df, count_kpis={"contacts"}, threshold=10, min_denominator=20,
                         proportions=PROPORTIONS)
    assert out.select("numerator", "denominator", "value").rows() == [
        ("<10", None, "<10"),
        (None, None, None),
        ("12", "24", "50"),
    ]


def test_a_scaled_count_numerator_is_judged_by_its_count():
    # complaints_per_1000_contacts holds complaints × 1000: 3 complaints withhold the rate (and
    # 12 complaints of 2,400 contacts show, although 2,388 is no count of complaints).
    frame = pl.DataFrame({
        "month": ["2025-01", "2025-01"], "service": ["Waste", "Parking"], "channel": ["All"] * 2,
        "kpi": ["complaints_per_1000_contacts"] * 2,
        "numerator": [3000.0, 12000.0], "denominator": [979.0, 2400.0],
        "value": [3000 / 979, 5.0]})
    shown = suppress_frame(frame, count_kpis=set(),
                           numerator_scales={"complaints_per_1000_contacts": 1000})
    assert shown.get_column("numerator").to_list() == [None, "12000"]
    assert shown.get_column("denominator").to_list() == [None, "2400"]
    assert shown.get_column("value").to_list() == [None, "5"]
