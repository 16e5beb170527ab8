"""The long-form export of `docs/feeds.md`: month, service, channel, kpi, numerator, denominator,
value, as CSV or JSON. Counts print as whole numbers; an empty cell (CSV) or null (JSON) is
an undefined value."""

import json
from collections.abc import Callable
from dataclasses import replace
from typing import TextIO

import polars as pl
from sqlalchemy import Engine

from data.reference import read_settings
from metrics.compute import ALL, Query, compute
from metrics.publish import number_text, suppress_frame, thresholds
from metrics.reads import sources_from_warehouse
from metrics.registry import HEADLINE_ONLY, REGISTRY
from metrics.safe_csv import csv_text

COLUMNS = ["month", "service", "channel", "kpi", "numerator", "denominator", "value"]


EVERYTHING = Query()  # every month, not grouped


def export_frame(engine: Engine, query: Query = EVERYTHING) -> pl.DataFrame:
    """Every monthly KPI by the query's groups and months, in the export's columns."""
    return compute(sources_from_warehouse(engine), query).select(COLUMNS)


GROUPINGS = ((), ("service",), ("channel",), ("service", "channel"))


def published(frame: pl.DataFrame, settings: dict[str, str],
              totals: dict[str, Callable[[str], str | None]] | None = None) -> pl.DataFrame:
    """The frame with small numbers suppressed as `docs/kpis.md` says, for anything published;
    `totals` says which of its rows are totals of which others (`metrics.publish.families`)."""
    threshold, min_denominator = thresholds(settings)
    kpis = (*REGISTRY.values(), *HEADLINE_ONLY.values())
    return suppress_frame(
        frame, count_kpis={k.id for k in kpis if k.unit == "count"},
        threshold=threshold, min_denominator=min_denominator,
        numerator_scales={"complaints_per_1000_contacts": 1000},
        proportions={k.id for k in kpis if k.unit == "%"}, totals=totals)


def _all_of(value: str) -> str | None:
    return None if value == ALL else ALL


def published_export(engine: Engine, query: Query) -> pl.DataFrame:
    """The export of `query`, published: suppressed over every grouping of the same months at
    once (each service and channel with All), so that no withheld figure is one published
    figure less others, in this export or in any other `--publish` export (every one withholds
    the same figures), and no rate is its numerator over its denominator."""
    sources = sources_from_warehouse(engine)
    cube = pl.concat([compute(sources, replace(query, by=by)).select(COLUMNS)
                      for by in GROUPINGS])
    shown = published(cube, read_settings(engine), {"service": _all_of, "channel": _all_of})
    grouped = [pl.col(d) != ALL if d in query.by else pl.col(d) == ALL
               for d in ("service", "channel")]
    return shown.filter(*grouped)


def write_export(engine: Engine, out: TextIO, query: Query = EVERYTHING, fmt: str = "csv",
                 publish: bool = False) -> None:
    frame = published_export(engine, query) if publish else export_frame(engine, query)
    if fmt == "json":
        out.write(json.dumps([{k: _number(v) if k in NUMBERS else v for k, v in row.items()}
                              for row in frame.iter_rows(named=True)]))
        out.write("\n")
        return
    if not publish:
        frame = frame.with_columns(number_text(pl.col(c)).alias(c) for c in NUMBERS)
    out.write(csv_text(frame))


NUMBERS = ("numerator", "denominator", "value")


def _number(value: float | str | None) -> int | float | str | None:
    if value is None or isinstance(value, str):
        return value
    return int(value) if float(value).is_integer() else value

