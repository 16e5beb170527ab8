"""Half-years: `2025-H1` is January to June 2025, `2025-H2` July to December."""

from metrics.months import half_months, month_name, parse_half

__all__ = ["complete_halves", "half_months", "half_name", "half_of", "month_name", "parse_half",
           "shift_half"]


def shift_half(half: str, k: int) -> str:
    """The half k halves after (k < 0: before) `half`."""
    year, part = parse_half(half)
    index = year * 2 + part - 1 + k
    return f"{index // 2}-H{index % 2 + 1}"


def half_of(month: str) -> str:
    """The half a "YYYY-MM" month belongs to."""
    year, mon = month.split("-")
    return f"{year}-H{1 if int(mon) <= 6 else 2}"


def half_name(half: str) -> str:
    """"2025-H1" -> "January to June 2025"."""
    months = half_months(half)
    return f"{month_name(months[0]).split()[0]} to {month_name(months[-1])}"


def complete_halves(months: list[str]) -> list[str]:
    """Halves, newest first, whose last month is no later than the latest month in `months`
    and which hold at least one of them."""
    if not months:
        return []
    latest = max(months)
    halves = sorted({half_of(m) for m in months}, reverse=True)
    return [h for h in halves if half_months(h)[-1] <= latest]
