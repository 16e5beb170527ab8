"""Months as the dashboard and the papers count them: the calendar of `transform.calendar`,
offered to the layers above `metrics` (pages and reports read it here, never from `transform`),
and the calendar halves the committee reports on (`2025-H1` is January to June 2025, `2025-H2`
July to December)."""

import re
from datetime import date, datetime

from data.vocabulary import LONDON
from transform.calendar import (
    latest_complete_month,
    london_day,
    month_start,
    months_between,
    shift_month,
)

__all__ = ["LONDON", "latest_complete_month", "london_today", "month_start", "months_between",
           "shift_month"]

_HALF = re.compile(r"(\d{4})-H([12])")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def london_today() -> date:
    """Today's date on the wall clock in London."""
    return london_day(datetime.now().astimezone())


def parse_half(half: str) -> tuple[int, int]:
    """"2025-H1" -> (2025, 1); anything else raises ValueError."""
    found = _HALF.fullmatch(half)
    if not found:
        raise ValueError(f"not a half-year (YYYY-H1 or YYYY-H2): {half!r}")
    return int(found.group(1)), int(found.group(2))


def half_months(half: str) -> list[str]:
    """The six "YYYY-MM" months of the half, in order."""
    year, part = parse_half(half)
    first = f"{year}-{'01' if part == 1 else '07'}"
    return months_between(first, shift_month(first, 5))


def month_name(month: str) -> str:
    """"2025-06" -> "June 2025"."""
    year, mon = month.split("-")
    return f"{_MONTH_NAMES[int(mon) - 1]} {year}"
