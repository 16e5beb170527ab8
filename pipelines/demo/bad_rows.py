"""Deliberately bad rows, so the demo shows quarantine at work.

A handful a year, each breaking exactly one rule of `docs/feeds.md`, always in the same months of
the year so that anyone can find them: they are the only invalid rows in the demo feeds.
Each is a real row of the file with one cell spoiled; a duplicate id spoils two rows.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import polars as pl

from pipelines.demo.calendar import Month, last_sunday_of_march

ISO_LOCAL = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"


@dataclass(frozen=True)
class BadRow:
    feed: str
    file: str        # file name, e.g. contacts-2024-03.csv
    row_id: str      # the id as written (twice in the file for a duplicate)
    rule: str


# Feed -> month of the year (1 = January) -> the rules broken in that month's file.
RULES = {
    "contacts": {
        1: ("duplicate contact_id", "negative wait_seconds"),
        2: ("received_at 31 February",),
        3: ("received_at in the clocks-go-forward gap",),
        6: ("unknown channel", "missing service"),
        9: ("responded_at before received_at",),
    },
    "satisfaction": {
        4: ("no csat, nps or ces",),
        7: ("csat out of range",),
    },
}


def spoil(rng: np.random.Generator, feed: str, frame: pl.DataFrame,
          month: Month) -> tuple[pl.DataFrame, list[BadRow]]:
    """The month's file of the feed with this month's bad rows written in, and the list of
    them. The id is the frame's first column."""
    bad = []
    used: set[int] = set()
    for rule in RULES.get(feed, {}).get(month.calendar_month, ()):
        frame, rows = _SPOILERS[rule](rng, frame, month, used)
        bad += [BadRow(feed, f"{feed}-{month.label}.csv", frame[frame.columns[0]][i], rule)
                for i in rows]
    return frame, bad


def _duplicate_id(rng, frame, month, used):
    first = _pick(rng, frame, used, pl.lit(True))
    second = _pick(rng, frame, used, pl.lit(True))
    return _set(frame, second, contact_id=frame["contact_id"][first]), [first, second]


def _negative_wait(rng, frame, month, used):
    row = _pick(rng, frame, used, pl.col("wait_seconds").is_not_null())
    return _set(frame, row, wait_seconds="-" + frame["wait_seconds"][row]), [row]


def _impossible_date(rng, frame, month, used):
    # A hand-keyed day-first date that cannot exist; the row has no reply time to compare.
    row = _pick(rng, frame, used, pl.col("responded_at").is_null())
    return _set(frame, row, received_at=f"31/02/{str(month.start)[:4]} 10:15"), [row]


def _spring_gap(rng, frame, month, used):
    # A digital contact at a wall-clock time the clocks skipped, as a badly-zoned system writes.
    row = _pick(rng, frame, used, pl.col("responded_at").is_null()
                & pl.col("channel").is_in(["webchat", "app", "social_media"]))
    gap = f"{last_sunday_of_march(int(str(month.start)[:4]))} 01:30:00"
    return _set(frame, row, received_at=gap), [row]


def _unknown_channel(rng, frame, month, used):
    row = _pick(rng, frame, used, pl.col("channel") == "other")
    return _set(frame, row, channel="carrier pigeon"), [row]


def _missing_service(rng, frame, month, used):
    row = _pick(rng, frame, used, pl.lit(True))
    return _set(frame, row, service=None), [row]


def _reply_before_contact(rng, frame, month, used):
    row = _pick(rng, frame, used, pl.col("responded_at").is_not_null()
                & pl.col("received_at").str.contains(ISO_LOCAL))
    received = datetime.fromisoformat(frame["received_at"][row])
    earlier = (received - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M:%S")
    return _set(frame, row, responded_at=earlier), [row]


def _no_scores(rng, frame, month, used):
    row = _pick(rng, frame, used, pl.lit(True))
    return _set(frame, row, csat=None, nps=None, ces=None), [row]


def _csat_out_of_range(rng, frame, month, used):
    row = _pick(rng, frame, used, pl.col("csat").is_not_null())
    return _set(frame, row, csat="6"), [row]


_SPOILERS = {
    "duplicate contact_id": _duplicate_id,
    "negative wait_seconds": _negative_wait,
    "received_at 31 February": _impossible_date,
    "received_at in the clocks-go-forward gap": _spring_gap,
    "unknown channel": _unknown_channel,
    "missing service": _missing_service,
    "responded_at before received_at": _reply_before_contact,
    "no csat, nps or ces": _no_scores,
    "csat out of range": _csat_out_of_range,
}


def _pick(rng, frame: pl.DataFrame, used: set[int], condition: pl.Expr) -> int:
    """A random row meeting the condition and not already spoiled."""
    candidates = (frame.with_row_index("row").filter(condition)["row"].to_numpy())
    candidates = candidates[~np.isin(candidates, list(used))]
    row = int(rng.choice(candidates))
    used.add(row)
    return row


def _set(frame: pl.DataFrame, row: int, **cells) -> pl.DataFrame:
    at_row = pl.int_range(pl.len()) == row
    return frame.with_columns(
        pl.when(at_row).then(pl.lit(value, dtype=pl.String)).otherwise(pl.col(name)).alias(name)
        for name, value in cells.items())
