"""Each contact's nearest neighbours in its matter: the derived fact behind repeat contact and
right first time.

A matter is one customer (pseudonym) about one service (`kpis.md`, "Same matter"). Storing the
latest strictly earlier and the earliest strictly later `received_at` of the same matter lets
every window-based KPI (repeat contact, right first time) be read from one row, whatever the
window. Equal timestamps are neither earlier nor later.
"""

import polars as pl

MATTER = ["customer_pseudonym", "service"]


def matter_neighbours(contacts: pl.DataFrame) -> pl.DataFrame:
    """Args: contacts with customer_pseudonym, service, received_at.

    Returns: the same rows with `prev_matter_at` and `next_matter_at` (null without a pseudonym
    or without such a neighbour).
    """
    instants = (
        contacts.filter(pl.col("customer_pseudonym").is_not_null())
        .select(*MATTER, "received_at").unique()
        .sort(*MATTER, "received_at")
        .with_columns(
            pl.col("received_at").shift(1).over(MATTER).alias("prev_matter_at"),
            pl.col("received_at").shift(-1).over(MATTER).alias("next_matter_at"))
    )
    return contacts.drop("prev_matter_at", "next_matter_at", strict=False).join(
        instants, on=[*MATTER, "received_at"], how="left")
