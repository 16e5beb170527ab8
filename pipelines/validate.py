"""Row rules of `feeds.md` as great-expectations suites, built in code from the feed declarations.

Each expectation carries, in its `meta`, the sentence a data officer sees when a row breaks it.
The suite runs on typed rows (cells that could not be parsed are already null and reported by
`pipelines.parse`): those that `pipelines.screen` finds could break a rule, with the rules they
could break. The failing rows come back by their record index.
"""

import logging
from datetime import datetime, timedelta
from functools import lru_cache

import great_expectations as gx
import great_expectations.expectations as gxe
import polars as pl
from great_expectations.data_context.types.base import ProgressBarsConfig

from pipelines import rule_words as words
from pipelines.feeds import Column, Feed
from pipelines.parse import ROW
from pipelines.screen import EARLIEST


def suite_for(feed: Feed, now: datetime, only: set[str] | None = None) -> gx.ExpectationSuite:
    """The feed's row rules (those whose message is in `only`, if given). `now` is the moment of
    loading: nothing may be over a day later."""
    latest = now + timedelta(days=1)
    rules = [_unique(feed)]
    for col in feed.columns:
        rules.extend(_column_rules(col, latest))
    if feed.one_of:
        first, *others = feed.one_of
        rules.append(_said(
            gxe.ExpectColumnValuesToNotBeNull(
                column=first, condition_parser="pandas",
                row_condition=" and ".join(f"{c}.isnull()" for c in others)),
            words.one_of(feed)))
    suite = gx.ExpectationSuite(name=f"{feed.name}_rows")
    for rule in rules:
        if only is None or rule.meta["message"] in only:
            suite.add_expectation(rule)
    return suite


def _unique(feed: Feed):
    if not feed.key_with:
        return _said(gxe.ExpectColumnValuesToBeUnique(column=feed.id_column),
                     words.unique(feed))
    return _said(gxe.ExpectCompoundColumnsToBeUnique(column_list=[feed.id_column, *feed.key_with]),
                 words.unique(feed))


def _column_rules(col: Column, latest: datetime) -> list:
    name = col.name
    rules = []
    if col.required:
        rules.append(_said(gxe.ExpectColumnValuesToNotBeNull(column=name),
                           words.required(col)))
    if col.required_when:
        other, value = col.required_when
        rules.append(_said(
            gxe.ExpectColumnValuesToNotBeNull(
                column=name, condition_parser="pandas", row_condition=f'{other} == "{value}"'),
            words.required_when(col)))
    if col.only_when:
        other, value = col.only_when
        rules.append(_said(
            gxe.ExpectColumnValuesToBeNull(
                column=name, condition_parser="pandas", row_condition=f'{other} != "{value}"'),
            words.only_when(col)))
    if col.not_with:
        rules.append(_said(
            gxe.ExpectColumnValuesToBeNull(
                column=name, condition_parser="pandas", row_condition=f"{col.not_with}.notnull()"),
            words.not_with(col)))
    if col.kind == "text" and col.max_len:
        rules.append(_said(
            gxe.ExpectColumnValueLengthsToBeBetween(column=name, min_value=1,
                                                    max_value=col.max_len),
            words.too_long(col)))
    if col.kind == "enum":
        rules.append(_said(gxe.ExpectColumnValuesToBeInSet(column=name, value_set=list(col.values)),
                           words.not_one_of(col)))
    if col.kind == "int" and (col.min_value is not None or col.max_value is not None):
        rules.append(_said(
            gxe.ExpectColumnValuesToBeBetween(column=name, min_value=col.min_value,
                                              max_value=col.max_value),
            words.out_of_range(col)))
    if col.kind == "timestamp":
        rules.append(_said(
            gxe.ExpectColumnValuesToBeBetween(column=name, min_value=EARLIEST, max_value=latest),
            words.out_of_time(col)))
    if col.kind == "date" and col.planned:
        rules.append(_said(
            gxe.ExpectColumnValuesToBeBetween(column=name, min_value=_day(EARLIEST)),
            words.too_early(col)))
    elif col.kind == "date":
        rules.append(_said(
            gxe.ExpectColumnValuesToBeBetween(column=name, min_value=_day(EARLIEST),
                                              max_value=_day(latest)),
            words.out_of_time(col)))
    if col.not_before:
        rules.append(_said(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=name, column_B=col.not_before, or_equal=True,
                ignore_row_if="either_value_is_missing"),
            words.earlier_than(col)))
    return rules


def _day(moment: datetime) -> datetime:
    # Date columns reach pandas as naive midnight datetimes (see `broken_rules`).
    return datetime.combine(moment.date(), datetime.min.time())


def _said(expectation, message: str):
    expectation.meta = {"message": message}
    return expectation


@lru_cache(maxsize=1)
def _batch_definition():
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("feeds")
    asset = source.add_dataframe_asset("rows")
    return asset.add_batch_definition_whole_dataframe("file")


def broken_rules(typed: pl.DataFrame, feed: Feed, now: datetime,
                 only: set[str] | None = None) -> pl.DataFrame:
    """Run the feed's suite (its rules whose message is in `only`, if given) over a typed frame;
    one row per (record, rule broken)."""
    if typed.height == 0:
        return pl.DataFrame(schema={ROW: pl.UInt32, "message": pl.String})
    frame = typed.with_columns(
        pl.col(c.name).cast(pl.Datetime("us")) for c in feed.columns if c.kind == "date")
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame.to_pandas()})
    # Pass or fail is cheap; listing the failing rows is not. Most files pass every rule, so
    # the rows are asked for only of the rules that failed.
    verdicts = batch.validate(suite_for(feed, now, only), result_format="BOOLEAN_ONLY")
    failed = {_checked(o, feed).expectation_config.meta["message"]
              for o in verdicts.results if not o.success}
    rows, messages = [], []
    if not failed:
        return pl.DataFrame({ROW: rows, "message": messages},
                            schema={ROW: pl.UInt32, "message": pl.String})
    result = batch.validate(suite_for(feed, now, only=failed), result_format={
        "result_format": "COMPLETE", "unexpected_index_column_names": [ROW]})
    for outcome in result.results:
        if _checked(outcome, feed).success:
            continue
        message = outcome.expectation_config.meta["message"]
        for index in outcome.result.get("unexpected_index_list") or []:
            rows.append(index[ROW])
            messages.append(message)
    return pl.DataFrame({ROW: rows, "message": messages},
                        schema={ROW: pl.UInt32, "message": pl.String})


def _checked(outcome, feed: Feed):
    """The outcome, unless the expectation itself crashed: that is a bug, not a bad row."""
    if outcome.exception_info.get("raised_exception"):
        raise RuntimeError(f"validation of {feed.name} failed: "
                           f"{outcome.exception_info.get('exception_message')}")
    return outcome
