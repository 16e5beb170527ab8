"""The calendar every KPI is counted in: Europe/London months and England and Wales working days.

Timestamps are stored in UTC, but a council's month is the one on the wall clock in London, so
2024-03-31T23:30Z (00:30 BST on 1 April) belongs to April.

A working day is Monday to Friday and not an England and Wales bank holiday as listed by
``holidays.country_holidays("GB", subdiv="ENG")``, substitute days and one-off holidays (the
Queen's funeral, the coronation) included. Adding N working days steps forward one working day
at a time, N times; the start date itself never counts (2024-12-20 + 10 = 2025-01-08).
"""

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import polars as pl

from data.vocabulary import LONDON

_LONDON = ZoneInfo(LONDON)
# The vectorised lookup covers these years; older or later dates raise rather than guess.
_FIRST_DAY = date(2000, 1, 1)
_LAST_DAY = date(2045, 12, 31)
_EPOCH = date(1970, 1, 1)


def london_month(expr: pl.Expr) -> pl.Expr:
    """UTC-aware Datetime -> "YYYY-MM" of its Europe/London calendar month.

    Naive datetimes are read as UTC (polars' convert_time_zone does so), which is what the
    warehouse stores.
    """
    return expr.dt.convert_time_zone(LONDON).dt.strftime("%Y-%m")


def london_date(expr: pl.Expr) -> pl.Expr:
    """UTC-aware Datetime -> pl.Date of its Europe/London calendar day."""
    return expr.dt.convert_time_zone(LONDON).dt.date()


def month_of_date(expr: pl.Expr) -> pl.Expr:
    """pl.Date -> "YYYY-MM"."""
    return expr.dt.strftime("%Y-%m")


@lru_cache(maxsize=1)
def _bank_holidays() -> holidays.HolidayBase:
    # One shared object: it fills in each year's holidays the first time a date in it is asked.
    return holidays.country_holidays("GB", subdiv="ENG")


def is_working_day(d: date) -> bool:
    """Monday–Friday and not an England and Wales bank holiday."""
    return d.weekday() < 5 and d not in _bank_holidays()


def add_working_days(d: date, n: int) -> date:
    """Step forward one working day at a time, n times; d itself never counts (n = 0 gives d)."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    for _ in range(n):
        d += timedelta(days=1)
        while not is_working_day(d):
            d += timedelta(days=1)
    return d


@lru_cache(maxsize=1)
def _working_day_tables() -> tuple[pl.Series, pl.Series]:
    """(ordinal, working_days) for every day from 2000-01-01 to 2045-12-31.

    ordinal[i] = number of working days <= day i (day 0 = 2000-01-01);
    working_days[k - 1] = the k-th working day, so the first working day with ordinal k.
    """
    days = pl.date_range(_FIRST_DAY, _LAST_DAY, eager=True)
    working = pl.Series([is_working_day(d) for d in days])
    ordinal = working.cast(pl.Int64).cum_sum()
    return ordinal, days.filter(working)


def _guarded(index: pl.Expr, size: int) -> pl.Expr:
    # gather() reads negative indices from the end; send any out-of-range index past the end
    # instead so that polars raises OutOfBoundsError rather than return a wrong date. Null
    # indices (null dates) pass through and gather gives null.
    in_range = index.is_between(0, size - 1) | index.is_null()
    return pl.when(in_range).then(index).otherwise(size)


def add_working_days_expr(dates: pl.Expr, n: int | pl.Expr) -> pl.Expr:
    """Vectorised add_working_days for pl.Date columns dated 2000–2045.

    With ordinal(d) = number of working days <= d, the result is the first working day whose
    ordinal is ordinal(d) + n: exactly the n-th working day after d, for n >= 1. n = 0 gives d.
    Null dates or null n give null; negative n gives null. Dates outside 2000–2045 (or results
    past 2045) raise polars' OutOfBoundsError.
    """
    ordinal, working_days = _working_day_tables()
    n_expr = (n if isinstance(n, pl.Expr) else pl.lit(n)).cast(pl.Int64)
    day_index = dates.cast(pl.Int64) - (_FIRST_DAY - _EPOCH).days
    start = pl.lit(ordinal).gather(_guarded(day_index, ordinal.len()))
    # Clipped so the n = 0 branch, which never uses it, cannot index before the first working day.
    steps = n_expr.clip(lower_bound=1)
    result = pl.lit(working_days).gather(_guarded(start + steps - 1, working_days.len()))
    return pl.when(n_expr == 0).then(dates).when(n_expr > 0).then(result)


def _parse_month(month: str) -> int:
    """"YYYY-MM" -> months since year 0, so that month arithmetic is integer arithmetic."""
    year, sep, mon = month.partition("-")
    if not (sep and len(year) == 4 and len(mon) == 2 and year.isdigit() and mon.isdigit()):
        raise ValueError(f"expected 'YYYY-MM', got {month!r}")
    if not 1 <= int(mon) <= 12:
        raise ValueError(f"month out of range in {month!r}")
    return int(year) * 12 + int(mon) - 1


def _format_month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def shift_month(month: str, k: int) -> str:
    """The month k months after (k < 0: before) "YYYY-MM"."""
    return _format_month(_parse_month(month) + k)


def months_between(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from first to last inclusive; empty when last is before first."""
    start, end = _parse_month(first), _parse_month(last)
    return [_format_month(i) for i in range(start, end + 1)]


def latest_complete_month(as_of: datetime) -> str:
    """The latest Europe/London month the data horizon `as_of` covers to its last day: its own
    month when it falls on that month's last day, else the month before. A month still being
    filled would read as a fall in every count, so views default to this one."""
    day = as_of.astimezone(_LONDON).date()
    month = day.strftime("%Y-%m")
    return month if (day + timedelta(days=1)).month != day.month else shift_month(month, -1)


def month_of_instant(moment: datetime) -> str:
    """An aware instant -> "YYYY-MM" of its Europe/London month."""
    return moment.astimezone(_LONDON).strftime("%Y-%m")


def month_start(month: str) -> datetime:
    """The UTC instant at which a Europe/London month ("YYYY-MM") begins."""
    index = _parse_month(month)
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=_LONDON).astimezone(UTC)


def months_span(first: str, last: str) -> tuple[datetime, datetime]:
    """[start, end) of the Europe/London months first..last ("YYYY-MM"), as UTC instants."""
    return month_start(first), month_start(shift_month(last, 1))


def london_day(moment: datetime) -> date:
    """An aware instant -> its Europe/London calendar date."""
    return moment.astimezone(_LONDON).date()
