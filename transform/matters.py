"""Each contact's nearest neighbours in its matter: the derived fact behind repeat contact and
right first time.

A matter is one customer (pseudonym) about one service (`docs/kpis.md`, "Same matter"). Storing the
latest strictly earlier and the earliest strictly later `received_at` of the same matter lets
every window-based KPI (repeat contact, right first time) be read from one row, for any window
up to `REACH`. Equal timestamps are neither earlier nor later.

Neighbours further apart than `REACH` are not recorded: no KPI window looks that far, and the
bound lets a load recompute flags from the contacts near its own instead of whole histories.
"""

from datetime import timedelta

import polars as pl

from data.vocabulary import MATTER

REACH = timedelta(days=31)
_ROW = "_matter_row"


def matter_neighbours(contacts: pl.DataFrame) -> pl.DataFrame:
    """Args: contacts with customer_pseudonym, service, received_at.

    Returns: the same rows in the same order with `prev_matter_at` and `next_matter_at` (null
    without a pseudonym or without such a neighbour within `REACH`).
    """
    received = pl.col("received_at")
    # Sorted by matter and time, a row's neighbours are the rows either side when those belong
    # to the same matter: a linear pass, several times faster than a windowed shift. The rows
    # of one instant share their neighbours: the first of them looks back, the last ahead.
    after_same = pl.all_horizontal(pl.col(c) == pl.col(c).shift(1) for c in MATTER)
    before_same = pl.all_horizontal(pl.col(c) == pl.col(c).shift(-1) for c in MATTER)
    first = ~(after_same & (received == received.shift(1))).fill_null(False)
    last = ~(before_same & (received == received.shift(-1))).fill_null(False)
    position = pl.int_range(pl.len())
    earlier = pl.when(after_same & (received - received.shift(1) <= REACH)).then(
        received.shift(1))
    later = pl.when(before_same & (received.shift(-1) - received <= REACH)).then(
        received.shift(-1))
    found = (
        contacts.lazy().with_row_index(_ROW)
        .filter(pl.col("customer_pseudonym").is_not_null() & received.is_not_null())
        .select(_ROW, *MATTER, "received_at")
        .sort(*MATTER, "received_at")
        .select(_ROW,
                earlier.gather(pl.when(first).then(position).forward_fill())
                .alias("prev_matter_at"),
                later.gather(pl.when(last).then(position).backward_fill())
                .alias("next_matter_at"))
    )
    return (contacts.lazy().drop("prev_matter_at", "next_matter_at", strict=False)
            .with_row_index(_ROW).join(found, on=_ROW, how="left", maintain_order="left")
            .drop(_ROW).collect())
