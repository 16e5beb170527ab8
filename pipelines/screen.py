"""Which rows could break which rules: a cheap polars look before great-expectations.

Running the feed's great-expectations suite over a million typed rows (and first converting
them to pandas, and importing great-expectations at all) costs far more than the rest of the
validation, yet most files break no rule. For each rule of `pipelines.validate`, by its message,
this module gives a polars predicate that holds for every row the rule could fail, and for a
few more: wherever the two libraries could differ at a boundary (characters against bytes, a
comparison of instants across a time zone) the predicate errs towards "could fail". The suite
then runs only the rules that have such rows, on those rows alone, and great-expectations
decides what is broken: the quarantine is what the whole suite over the whole file would give.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl

from pipelines import rule_words as words
from pipelines.feeds import Column, Feed

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# Instants and days this close to a range's ends are left to great-expectations to judge.
MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class Suspects:
    """The rules (by message) that some row could break, and those rows (every column)."""

    rules: set[str]
    rows: pl.DataFrame


def suspects(typed: pl.DataFrame, feed: Feed, now: datetime) -> Suspects:
    """The rows of a typed frame that could break a rule of the feed, loaded at `now`."""
    predicates = rule_predicates(feed, now)
    flags = typed.select(predicate.fill_null(True).alias(message)
                         for message, predicate in predicates.items())
    counts = flags.sum().row(0, named=True)
    rules = {message for message, n in counts.items() if n}
    if not rules:
        return Suspects(set(), typed.clear())
    anywhere = flags.select(pl.any_horizontal(pl.col(m) for m in rules)).to_series()
    return Suspects(rules, typed.filter(anywhere))


def rule_predicates(feed: Feed, now: datetime) -> dict[str, pl.Expr]:
    """Message -> a predicate true (or null) on every row that could break that rule; the
    messages are those of `pipelines.validate.suite_for`, one for one."""
    latest = now + timedelta(days=1)
    ids = [feed.id_column, *feed.key_with]
    # Null ids are counted as duplicates too: more rows to look at, none missed.
    unique = (pl.struct(ids) if feed.key_with else pl.col(feed.id_column)).is_duplicated()
    predicates = {words.unique(feed): unique}
    for col in feed.columns:
        predicates.update(_column_predicates(col, latest))
    if feed.one_of:
        predicates[words.one_of(feed)] = pl.all_horizontal(
            pl.col(c).is_null() for c in feed.one_of)
    return predicates


def _column_predicates(col: Column, latest: datetime) -> dict[str, pl.Expr]:
    cell = pl.col(col.name)
    found: dict[str, pl.Expr] = {}
    if col.required:
        found[words.required(col)] = cell.is_null()
    if col.required_when:
        other, value = col.required_when
        found[words.required_when(col)] = (
            cell.is_null() & (pl.col(other) == value))
    if col.only_when:
        other, value = col.only_when
        found[words.only_when(col)] = (
            cell.is_not_null() & (pl.col(other) != value))
    if col.not_with:
        found[words.not_with(col)] = (
            cell.is_not_null() & pl.col(col.not_with).is_not_null())
    if col.kind == "text" and col.max_len:
        # A character takes at least one byte: more characters than allowed means more bytes.
        length = cell.str.len_bytes()
        found[words.too_long(col)] = (
            cell.is_not_null() & ((length < 1) | (length > col.max_len)))
    if col.kind == "enum":
        found[words.not_one_of(col)] = (
            cell.is_not_null() & ~cell.is_in(list(col.values)))
    if col.kind == "int" and (col.min_value is not None or col.max_value is not None):
        low = pl.lit(False) if col.min_value is None else cell < col.min_value
        high = pl.lit(False) if col.max_value is None else cell > col.max_value
        found[words.out_of_range(col)] = (
            cell.is_not_null() & (low | high))
    if col.kind == "timestamp":
        found[words.out_of_time(col)] = (
            cell.is_not_null() & ((cell < EARLIEST + MARGIN) | (cell > latest - MARGIN)))
    if col.kind == "date":
        early = cell < (EARLIEST + MARGIN).date()
        if col.planned:
            found[words.too_early(col)] = cell.is_not_null() & early
        else:
            found[words.out_of_time(col)] = (
                cell.is_not_null() & (early | (cell > (latest - MARGIN).date())))
    if col.not_before:
        # Equal values pass the rule; they are looked at all the same.
        found[words.earlier_than(col)] = (
            cell.is_not_null() & pl.col(col.not_before).is_not_null()
            & (cell <= pl.col(col.not_before)))
    return found
