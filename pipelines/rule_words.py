"""The sentence a data officer reads for each row rule of `feeds.md`, written once.

The great-expectations suite (`pipelines.validate`) carries each sentence in its expectation's
`meta`, and the polars screen (`pipelines.screen`) names the rows each rule could break by the
same sentence: the two meet on these words.
"""

from pipelines.feeds import Column, Feed


def unique(feed: Feed) -> str:
    if not feed.key_with:
        return f"{feed.id_column}: duplicate id in file"
    return (f"{feed.id_column}: duplicate {' and '.join((feed.id_column, *feed.key_with))} "
            "in file")


def one_of(feed: Feed) -> str:
    return f"needs at least one of {', '.join(feed.one_of)}"


def required(col: Column) -> str:
    return f"{col.name}: a value is required"


def required_when(col: Column) -> str:
    other, value = col.required_when
    return f"{col.name}: a value is required when {other} is {value}"


def only_when(col: Column) -> str:
    other, value = col.only_when
    return f"{col.name}: only allowed when {other} is {value}"


def not_with(col: Column) -> str:
    return f"{col.name}: only allowed when {col.not_with} is empty"


def too_long(col: Column) -> str:
    return f"{col.name}: longer than {col.max_len} characters"


def not_one_of(col: Column) -> str:
    return f"{col.name}: not one of {', '.join(col.values)}"


def out_of_range(col: Column) -> str:
    if col.max_value is None:
        return f"{col.name}: must be {col.min_value} or more"
    return f"{col.name}: must be from {col.min_value} to {col.max_value}"


def too_early(col: Column) -> str:
    """A planned date may lie ahead, but not before the earliest."""
    return f"{col.name}: before 2000-01-01"


def out_of_time(col: Column) -> str:
    return f"{col.name}: before 2000-01-01 or more than a day after loading"


def earlier_than(col: Column) -> str:
    return f"{col.name}: earlier than {col.not_before}"
