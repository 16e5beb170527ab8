"""Half-years: `2025-H1` is January to June 2025, `2025-H2` July to December."""

import re

from metrics.months import months_between, shift_month

_HALF = re.compile(r"(\d{4})-H([12])")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


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


def shift_half(half: str, k: int) -> str:
    """The half k halves after (k < 0: before) `half`."""
    year, part = parse_half(half)
    index = year * 2 + part - 1 + k
    return f"{index // 2}-H{index % 2 + 1}"


def half_of(month: str) -> str:
    """The half a "YYYY-MM" month belongs to."""
    year, mon = month.split("-")
    return f"{year}-H{1 if int(mon) <= 6 else 2}"


def month_name(month: str) -> str:
    """"2025-06" -> "June 2025"."""
    year, mon = month.split("-")
    return f"{_MONTH_NAMES[int(mon) - 1]} {year}"


def half_name(half: str) -> str:
    """"2025-H1" -> "January to June 2025"."""
    months = half_months(half)
    return f"{_MONTH_NAMES[int(months[0][5:]) - 1]} to {month_name(months[-1])}"


def complete_halves(months: list[str]) -> list[str]:
    """Halves, newest first, whose last month is no later than the latest month in `months`
    and which hold at least one of them."""
    if not months:
        return []
    latest = max(months)
    halves = sorted({half_of(m) for m in months}, reverse=True)
    return [h for h in halves if half_months(h)[-1] <= latest]
