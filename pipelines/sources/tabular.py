"""The file adapters whose records are rows: `canonical` (the feed's own CSV, read exactly as
`pipelines ingest` reads it), `csv` (any delimited export, through the source's mapping) and
`survey` (a survey tool's CSV: one to three header rows, scales through value maps)."""

import polars as pl

from pipelines.parse import read_raw
from pipelines.sources.config import Source
from pipelines.sources.mapping import (
    POS,
    Translation,
    clean,
    excluded,
    finish,
    first_of,
    from_columns,
    instants,
    keep_latest,
    needs,
    protect,
)
from pipelines.sources.records import read_delimited


def translate_canonical(source: Source, data: bytes, name: str) -> Translation:
    """A canonical file: every record is a row, read as `pipelines ingest` reads it."""
    raw = read_raw(data, source.feed, name)
    return Translation(raw, raw.frame.height, 0, 0)


def translate_table(source: Source, data: bytes, name: str) -> Translation:
    """A delimited export: one row per record, through `columns`, `constants`, `values` and
    `classify`. With `keep_latest_by` the export is a status history: of the records sharing
    an id, only the latest (by that column, read as a timestamp) becomes a row."""
    records = read_delimited(data, name, needs(source), protect(source),
                             encoding=source.encoding, delimiter=source.delimiter,
                             header_rows=source.header_rows)
    frame = records.frame.with_row_index(POS)
    kept = frame.filter(~excluded(frame, source))
    latest = kept
    if source.keep_latest_by:
        when, _ = instants(kept.select(clean(source.keep_latest_by, source)).to_series(), source)
        key = first_of(kept, source.source_columns(source.feed.id_column), source)
        latest = keep_latest(kept.with_columns(when.alias("_when")), key, pl.col("_when"))
    cells = latest.select(POS, *(e.alias(c) for c, e in from_columns(latest, source).items()))
    return finish(source, records, cells, frame.height - kept.height, kept.height - latest.height)
