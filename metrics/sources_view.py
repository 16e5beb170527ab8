"""The Data quality page's Sources view: each source of `python -m pipelines run` with its last
run and result, the rows it loaded and quarantined, its watermark, and the values its mapping
did not cover, so that an analyst sees a mapping gap without a terminal."""

import json

import polars as pl
from sqlalchemy import Engine

from data.sources import latest_runs

RESULTS = {"loaded": "✔ Loaded", "nothing_new": "○ Nothing new", "failed": "✖ Failed"}


def read_source_runs(engine: Engine) -> pl.DataFrame:
    """Each source's latest run, as `data.sources.latest_runs` reads it."""
    return latest_runs(engine)


def source_status(runs: pl.DataFrame) -> pl.DataFrame:
    """One row per source: source, adapter, feed, result (symbol and words), last_run (when it
    finished, UTC), rows_loaded = inserted + updated, rows_unchanged, rows_quarantined,
    watermark (HTTP sources), unmapped_values (how many distinct values the mapping missed) and
    problem (why a failed run failed: its first message)."""
    distinct = pl.col("unmapped").map_elements(
        lambda text: sum(len(v) for v in json.loads(text).values()), return_dtype=pl.Int64)
    first_error = pl.col("errors").map_elements(
        lambda text: next(iter(json.loads(text)), None), return_dtype=pl.String)
    return runs.select(
        "source", "adapter", "feed",
        pl.col("status").replace_strict(RESULTS, return_dtype=pl.String).alias("result"),
        pl.col("finished_at").alias("last_run"),
        (pl.col("rows_inserted") + pl.col("rows_updated")).alias("rows_loaded"),
        "rows_unchanged", "rows_quarantined", "watermark",
        distinct.alias("unmapped_values"),
        pl.when(pl.col("status") == "failed").then(first_error).alias("problem"))


def unmapped_values(runs: pl.DataFrame) -> pl.DataFrame:
    """The values each source's latest run could not map: source, column, value (as the source
    wrote it, e-mail addresses, phone numbers and postcodes masked), rows; most rows first."""
    rows = [(source, column, value, count)
            for source, text in runs.select("source", "unmapped").iter_rows()
            for column, values in json.loads(text).items()
            for value, count in values.items()]
    frame = pl.DataFrame(rows, schema={"source": pl.String, "column": pl.String,
                                       "value": pl.String, "rows": pl.Int64}, orient="row")
    return frame.sort(["source", "rows", "column", "value"], descending=[False, True, False, False])
