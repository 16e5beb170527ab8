"""Safeguarding apart: records flagged safeguarding (contacts, the comments that rate them, the
quarantined rows of contacts files) are shown to the `safeguarding` role alone; everyone else
is told how many were withheld. They still count in every figure."""

import polars as pl

FLAG = "safeguarding"


def without_flagged(records: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """The records not flagged, without the flag's column, and how many were withheld. A record
    with no flag (a quarantined row kept before flags were) is not flagged: nothing says so."""
    flagged = pl.col(FLAG).fill_null(False)
    return records.filter(~flagged).drop(FLAG), records.filter(flagged).height
