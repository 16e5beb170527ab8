"""Calendar: London months across clock changes, and working days per the England and Wales list."""

import time
from datetime import UTC, date, datetime

import polars as pl
import pytest
from polars.exceptions import OutOfBoundsError

from transform.calendar import (
    add_working_days,
    add_working_days_expr,
    is_working_day,
    latest_complete_month,
    london_date,
    london_month,
    month_of_date,
    months_between,
    months_span,
    shift_month,
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# British Summer Time 2024: 31 Mar 01:00Z to 27 Oct 01:00Z; 2025 from 30 Mar 01:00Z.
@pytest.mark.parametrize(
    ("instant", "month", "day"),
    [
        (utc(2024, 3, 31, 0, 30), "2024-03", date(2024, 3, 31)),  # 00:30 GMT, before the change
        (utc(2024, 3, 31, 23, 30), "2024-04", date(2024, 4, 1)),  # 00:30 BST on 1 April
        (utc(2024, 9, 30, 23, 30), "2024-10", date(2024, 10, 1)),  # 00:30 BST on 1 October
        (utc(2024, 10, 26, 23, 30), "2024-10", date(2024, 10, 27)),  # 00:30 BST on the 27th
        (utc(2024, 10, 27, 0, 30), "2024-10", date(2024, 10, 27)),  # 01:30 BST, still summer time
        (utc(2024, 10, 31, 23, 30), "2024-10", date(2024, 10, 31)),  # 23:30 GMT, clocks went back
        (utc(2024, 12, 31, 23, 30), "2024-12", date(2024, 12, 31)),  # winter: London = UTC
        (utc(2025, 3, 31, 23, 30), "2025-04", date(2025, 4, 1)),  # BST since 30 March 2025
        (utc(2024, 2, 29, 23, 59, 59), "2024-02", date(2024, 2, 29)),
    ],
)
def test_london_month_and_date(instant: datetime, month: str, day: date) -> None:
    frame = pl.DataFrame({"t": [instant, None]})
    out = frame.select(m=london_month(pl.col("t")), d=london_date(pl.col("t")))
    assert out.row(0) == (month, day)
    assert out.row(1) == (None, None)


def test_naive_datetimes_are_read_as_utc() -> None:
    frame = pl.DataFrame({"t": [datetime(2024, 3, 31, 23, 30)]})
    assert frame.select(london_month(pl.col("t"))).item() == "2024-04"


def test_month_of_date() -> None:
    frame = pl.DataFrame({"d": [date(2024, 1, 31), date(2025, 12, 1), None]})
    out = frame.select(month_of_date(pl.col("d"))).to_series().to_list()
    assert out == ["2024-01", "2025-12", None]


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 12, 24), True),  # Christmas Eve is not a bank holiday
        (date(2024, 12, 25), False),
        (date(2024, 6, 1), False),  # Saturday
        (date(2025, 4, 18), False),  # Good Friday
        (date(2025, 4, 21), False),  # Easter Monday
        (date(2022, 6, 3), False),  # Platinum Jubilee, one-off
        (date(2022, 9, 19), False),  # Queen's state funeral, one-off
        (date(2023, 5, 8), False),  # Coronation, one-off
        (date(2022, 12, 27), False),  # substitute for Christmas Day on a Sunday
        (date(2026, 12, 28), False),  # substitute for Boxing Day on a Saturday
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # The spec's example: 23, 24, 27, 30, 31 Dec, 2, 3, 6, 7, 8 Jan (25, 26 Dec, 1 Jan off).
        (date(2024, 12, 20), 10, date(2025, 1, 8)),
        # 2025-26: 25, 26 Dec (Thu, Fri) and 1 Jan (Thu) off.
        (date(2025, 12, 24), 1, date(2025, 12, 29)),
        (date(2025, 12, 24), 5, date(2026, 1, 5)),  # 29, 30, 31 Dec, 2 Jan, 5 Jan
        (date(2025, 12, 19), 10, date(2026, 1, 7)),  # 22, 23, 24, 29, 30, 31, 2, 5, 6, 7
        # Easter 2025: Good Friday 18 April, Easter Monday 21 April.
        (date(2025, 4, 17), 1, date(2025, 4, 22)),
        (date(2025, 4, 16), 5, date(2025, 4, 25)),  # 17, 22, 23, 24, 25
        # One-off holidays.
        (date(2022, 9, 16), 1, date(2022, 9, 20)),  # Monday 19 Sept, the Queen's funeral
        (date(2023, 5, 5), 1, date(2023, 5, 9)),  # Monday 8 May, the coronation
        (date(2023, 4, 28), 6, date(2023, 5, 10)),  # 2, 3, 4, 5, 9, 10 (1 and 8 May off)
        # Substitute days: Christmas 2022 on a Sunday, Boxing Day 2026 on a Saturday.
        (date(2022, 12, 23), 1, date(2022, 12, 28)),
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        # A weekend start does not count; n = 0 steps nowhere.
        (date(2024, 6, 1), 1, date(2024, 6, 3)),
        (date(2024, 6, 1), 0, date(2024, 6, 1)),
        (date(2024, 6, 3), 20, date(2024, 7, 1)),  # 4 whole weeks, no holiday in June 2024
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected
    frame = pl.DataFrame({"d": [start]})
    vectorised = frame.select(add_working_days_expr(pl.col("d"), n)).item()
    assert vectorised == expected


def test_negative_n_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2024, 1, 2), -1)


@pytest.mark.parametrize("n", [5, 10, 20])
def test_vectorised_matches_scalar_for_every_day_of_2024(n: int) -> None:
    days = pl.date_range(date(2024, 1, 1), date(2024, 12, 31), eager=True)
    frame = pl.DataFrame({"d": days})
    got = frame.select(add_working_days_expr(pl.col("d"), n)).to_series().to_list()
    assert got == [add_working_days(d, n) for d in days]


def test_vectorised_takes_n_per_row_and_keeps_nulls() -> None:
    df = pl.DataFrame(
        {
            "d": [date(2024, 12, 20), date(2024, 12, 20), None, date(2024, 12, 20)],
            "n": [10, 20, 10, None],
        }
    )
    got = df.select(add_working_days_expr(pl.col("d"), pl.col("n"))).to_series().to_list()
    # +20: on from 8 Jan (the 10th), 9, 10, 13, 14, 15, 16, 17, 20, 21, 22 Jan.
    assert got == [date(2025, 1, 8), date(2025, 1, 22), None, None]


@pytest.mark.parametrize("day", [date(1999, 12, 31), date(2045, 12, 31)])
def test_vectorised_refuses_dates_outside_its_table(day: date) -> None:
    with pytest.raises(OutOfBoundsError):
        pl.DataFrame({"d": [day]}).select(add_working_days_expr(pl.col("d"), 1))


def test_vectorised_is_fast_on_a_million_rows() -> None:
    days = pl.date_range(date(2020, 1, 1), date(2030, 12, 31), eager=True)
    df = pl.DataFrame({"d": days.sample(1_000_000, with_replacement=True, seed=0)})
    add_working_days_expr(pl.col("d"), 10)  # builds the cached table outside the timing
    began = time.perf_counter()
    df.select(add_working_days_expr(pl.col("d"), pl.lit(10)))
    assert time.perf_counter() - began < 1.0


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("2024-11", "2025-02", ["2024-11", "2024-12", "2025-01", "2025-02"]),
        ("2024-05", "2024-05", ["2024-05"]),
        ("2024-05", "2024-04", []),
    ],
)
def test_months_between(first: str, last: str, expected: list[str]) -> None:
    assert months_between(first, last) == expected


@pytest.mark.parametrize(
    ("month", "k", "expected"),
    [
        ("2024-01", -1, "2023-12"),
        ("2024-12", 1, "2025-01"),
        ("2024-03", -12, "2023-03"),
        ("2024-03", 0, "2024-03"),
    ],
)
def test_shift_month(month: str, k: int, expected: str) -> None:
    assert shift_month(month, k) == expected


@pytest.mark.parametrize("bad", ["2024-13", "2024-1", "202401", "May 2024"])
def test_bad_month_text_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        shift_month(bad, 1)


@pytest.mark.parametrize(("as_of", "month"), [
    (datetime(2026, 10, 12, 9, 0, tzinfo=UTC), "2026-09"),  # October still being filled
    (datetime(2026, 10, 31, 16, 0, tzinfo=UTC), "2026-10"),  # its last day: complete
    (datetime(2026, 10, 31, 23, 30, tzinfo=UTC), "2026-10"),  # 23:30 GMT, still 31 October
    (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), "2026-03"),  # 00:30 BST on 1 April: April begun
    (datetime(2026, 1, 5, tzinfo=UTC), "2025-12"),
])
def test_the_latest_complete_month(as_of, month):
    assert latest_complete_month(as_of) == month


def test_a_span_of_months_runs_from_london_midnight_to_london_midnight():
    # BST starts 31 March 2024: April begins at 23:00 UTC on 31 March.
    assert months_span("2024-03", "2024-03") == (utc(2024, 3, 1), utc(2024, 3, 31, 23))
    assert months_span("2023-12", "2024-01") == (utc(2023, 12, 1), utc(2024, 2, 1))
