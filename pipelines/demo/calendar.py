"""Calendar arithmetic for the demo generator: months, working days, the clock change, and the
mix of timestamp and date styles that real council exports contain.

Generated times are Europe/London wall-clock as naive `datetime64[s]`; that is how most council
systems export them, and it keeps the day and hour patterns simple to draw.
"""

from dataclasses import dataclass

import holidays
import numpy as np
import polars as pl

from data.vocabulary import LONDON

FIRST_MONTH = np.datetime64("2023-11", "M")
HOUR = np.timedelta64(3600, "s")

# Timestamp styles seen in exports: ISO with a space, UK day-first without seconds, UTC with Z.
ISO_LOCAL, UK_LOCAL, ISO_UTC = 0, 1, 2
ISO_DATE, UK_DATE = 0, 1


@dataclass(frozen=True)
class Month:
    index: int                 # 0 for the first generated month
    start: np.datetime64       # first day, datetime64[D]
    end: np.datetime64         # first day of the next month

    @property
    def label(self) -> str:
        return str(self.start.astype("datetime64[M]"))

    @property
    def calendar_month(self) -> int:
        return int(str(self.start)[5:7])

    @property
    def days(self) -> np.ndarray:
        return np.arange(self.start, self.end, dtype="datetime64[D]")


@dataclass(frozen=True)
class Period:
    months: list[Month]
    bank_days: np.ndarray      # England and Wales bank holidays, datetime64[D]

    @property
    def horizon(self) -> np.datetime64:
        """Midnight after the last generated day: the export was taken then, so nothing in the
        files happens later."""
        return self.months[-1].end.astype("datetime64[s]")


def demo_period(months: int) -> Period:
    return Period(_months(months), _bank_holidays(months))


def record_ids(prefix: str, month: Month, count: int, width: int) -> pl.Series:
    """Ids unique across files, such as `CON-2024-03-000123`: the month of the row, then its
    position in the month's file."""
    number = pl.int_range(1, count + 1, eager=True).cast(pl.String).str.zfill(width)
    return (f"{prefix}-{month.label}-" + number).alias("id")


def _months(count: int) -> list[Month]:
    starts = FIRST_MONTH + np.arange(count + 1)
    return [Month(i, starts[i].astype("datetime64[D]"), starts[i + 1].astype("datetime64[D]"))
            for i in range(count)]


def _bank_holidays(count: int) -> np.ndarray:
    """England and Wales bank holidays over the period, plus a year either side for response
    dates that run past it."""
    months = _months(count)
    first = int(str(months[0].start)[:4])
    last = int(str(months[-1].end)[:4])
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first - 1, last + 2))
    return np.array(sorted(days), dtype="datetime64[D]")


def add_working_days(dates: np.ndarray, n, bank_days: np.ndarray) -> np.ndarray:
    """`docs/kpis.md` working days: step forward n working days, the start date never counting.
    Rolling a weekend or holiday start back to the previous working day gives exactly that."""
    return np.busday_offset(dates, n, roll="backward", holidays=bank_days)


def avoid_spring_gap(times: np.ndarray) -> np.ndarray:
    """Move wall-clock times in the hour skipped when the clocks go forward (01:00–02:00 on the
    last Sunday of March) an hour on, as a real clock would: such a time cannot exist."""
    day = times.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    day_of_month = (day - month.astype("datetime64[D]")).astype(int) + 1
    # datetime64 day 0 (1970-01-01) was a Thursday, so Sundays are 3 mod 7.
    last_sunday_of_march = ((month.astype(int) % 12 == 2) & (day.astype(int) % 7 == 3)
                            & (day_of_month >= 25))
    in_gap = last_sunday_of_march & ((times - day) // HOUR == 1)
    return np.where(in_gap, times + HOUR, times)


def last_sunday_of_march(year: int) -> np.datetime64:
    march_31 = np.datetime64(f"{year}-03-31")
    return march_31 - np.timedelta64((march_31.astype(int) - 3) % 7, "D")


def format_timestamp(column: str, style: str = "ts_style") -> pl.Expr:
    """The wall-clock timestamp in the row's export style; UTC-with-Z rows are converted, taking
    an ambiguous autumn time as its first (BST) occurrence, as `docs/feeds.md` reads it back."""
    ts = pl.col(column)
    utc = (ts.dt.replace_time_zone(LONDON, ambiguous="earliest")
           .dt.convert_time_zone("UTC"))
    return (pl.when(pl.col(style) == UK_LOCAL).then(ts.dt.strftime("%d/%m/%Y %H:%M"))
            .when(pl.col(style) == ISO_UTC).then(utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
            .otherwise(ts.dt.strftime("%Y-%m-%d %H:%M:%S"))
            .alias(column))


def format_date(column: str, style: str = "date_style") -> pl.Expr:
    date = pl.col(column)
    return (pl.when(pl.col(style) == UK_DATE).then(date.dt.strftime("%d/%m/%Y"))
            .otherwise(date.dt.strftime("%Y-%m-%d"))
            .alias(column))


def draw_from(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with the given (unnormalised) weights."""
    cumulative = np.cumsum(weights, dtype=float)
    return np.searchsorted(cumulative, rng.random(size) * cumulative[-1], side="right")


def draw_rows(rng: np.random.Generator, weight_rows: np.ndarray, which: np.ndarray) -> np.ndarray:
    """For each element of `which`, an index drawn with the weights in row `which` of
    `weight_rows`: a vectorised categorical draw whose probabilities differ per element."""
    cumulative = np.cumsum(weight_rows, axis=1)
    cumulative = cumulative / cumulative[:, -1:]
    u = rng.random(len(which))
    picked = (u[:, None] >= cumulative[which]).sum(axis=1)
    return np.minimum(picked, weight_rows.shape[1] - 1)
