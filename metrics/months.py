"""Months as the dashboard and the papers count them: the calendar of `transform.calendar`,
offered to the layers above `metrics` (pages and reports read it here, never from `transform`)."""

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


def london_today() -> date:
    """Today's date on the wall clock in London."""
    return london_day(datetime.now().astimezone())
