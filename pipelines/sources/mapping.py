"""The mapping rules of a source, vectorised: from source records to the canonical feed's text
cells that `pipelines.ingest.load` takes.

In order, for the records of one file (or pull):
1. `exclude`: records that are not the feed's records are dropped before anything else and
   counted as excluded.
2. The adapter combines records (status histories, repeated requests, a call's legs) and
   counts the others as combined.
3. Each canonical column from the first non-empty of its `columns`, else what the adapter
   derives, through the `values` maps (matched as feeds.md matches enums); an enum value
   neither mapped nor valid quarantines its row as "unmapped".
4. `constants` (which win over everything) and `defaults` (for empty cells): canonical values,
   which no map sees; then `classify` sets the demand type of rows without one.
5. Timestamps and dates in the source's own formats and time zone become canonical text.

Every value a map or the classification table missed is counted, as the source wrote it, so
that a data officer can finish the mapping.
"""

from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from data.vocabulary import LONDON
from pipelines.feeds import Column, Feed
from pipelines.parse import DATE_FORMATS, ROW, RawFile, enum_key, parse_timestamps
from pipelines.sources.config import Source, enum_values
from pipelines.sources.records import Need, Protect, Records

POS = "_pos"  # a record's position in its Records, kept through every step
UNMAPPED_TEXT = "unmapped {column} value \"{value}\" (source {source})"
ISO_UTC = "%Y-%m-%d %H:%M:%S%.6fZ"

Unmapped = dict[str, Counter]


@dataclass
class Translation:
    """A file's (or a pull's) canonical rows, and how its records became them."""

    raw: RawFile
    records_read: int
    records_excluded: int
    records_combined: int
    unmapped: Unmapped = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    positions: pl.Series | None = None  # by the RawFile's _row: the record's position
    # By position: the instant that moves an HTTP source's watermark (Open311: when requested)
    marks: pl.Series | None = None


# ---- reading cells ----------------------------------------------------------------------------

def clean(column: str, source: Source) -> pl.Expr:
    """A source cell as a value: trimmed, and empty (or one of the source's `nulls`) as null."""
    cell = pl.col(column).str.strip_chars()
    empty = cell.is_null() | (cell == "")
    if source.nulls:
        empty = empty | cell.is_in(source.nulls)
    return pl.when(empty).then(None).otherwise(cell)


def first_of(frame: pl.DataFrame, columns: tuple[str, ...], source: Source) -> pl.Expr:
    """The first non-empty of several source cells (a column the file lacks is empty)."""
    present = [clean(c, source) for c in columns if c in frame.columns]
    return pl.coalesce(present) if present else pl.lit(None, pl.String)


def from_columns(frame: pl.DataFrame, source: Source) -> dict[str, pl.Expr]:
    """Each canonical column `columns` names, from its source cells. A cell the mapping only
    passes on is passed as written (the load trims it, as it trims a canonical file's): over a
    million rows, trimming every column twice costs seconds."""
    return {column: first_of(frame, names, source) if _read_here(source, column, names)
            else pl.col(names[0]) if names[0] in frame.columns else pl.lit(None, pl.String)
            for column, names in source.columns.items()}


def _read_here(source: Source, column: str, names: tuple[str, ...]) -> bool:
    """Whether the mapping reads the column's values itself (and so needs them clean)."""
    if source.nulls or len(names) > 1 or column in source.values:
        return True
    if column not in {c.name for c in source.feed.columns}:
        return True  # a call leg's field
    col = source.feed.column(column)
    custom_times = (source.datetime_formats or source.date_formats
                    or source.timezone != LONDON)
    return (enum_values(source.feed, col) is not None
            or (column == "reason" and bool(source.classify))
            or (col.kind in ("timestamp", "date") and bool(custom_times)))


def needs(source: Source, extra: dict[str, tuple[str, ...]] | None = None,
          required: tuple[str, ...] = ()) -> list[Need]:
    """The source columns the mapping reads: those of `columns` (required when the feed, or the
    adapter through `required`, needs them), and those `exclude` and `keep_latest_by` name,
    which a file must have. `extra` adds the adapter's own (optional) fields."""
    found = []
    for column, names in source.columns.items():
        must = column in source.feed.required or column in required
        why = f"named in columns for {column}" + (", which is required" if must else "")
        found.append(Need(names, why, must))
    for column in source.exclude:
        found.append(Need((column,), "named in exclude", True))
    if source.keep_latest_by:
        found.append(Need((source.keep_latest_by,), "named in keep_latest_by", True))
    for what, names in (extra or {}).items():
        found.append(Need(names, what))
    return found


def protect(source: Source) -> Protect:
    """The source fields mapped to customer_ref (pseudonymised)."""
    return Protect(frozenset(source.source_columns("customer_ref")))


def field_names(needs_: list[Need]) -> list[str]:
    """Every source field the needs name, once each, in order."""
    return list(dict.fromkeys(c for n in needs_ for c in n.columns))


# ---- records that are not rows ----------------------------------------------------------------

def excluded(frame: pl.DataFrame, source: Source) -> pl.Series:
    """True for the records `exclude` drops (values matched as feeds.md matches enums)."""
    mask = pl.lit(False)
    for column, keys in source.exclude.items():
        if column in frame.columns:
            mask = mask | enum_key(clean(column, source)).is_in(list(keys)).fill_null(False)
    return frame.select(mask.alias("excluded")).to_series()


def keep_latest(frame: pl.DataFrame, key: pl.Expr, order: pl.Expr) -> pl.DataFrame:
    """Of the records sharing a key, the one with the greatest `order` (null lowest; on equal
    values the later in the file). Records without a key are each kept."""
    ranked = frame.with_columns(key.alias("_same"), order.alias("_rank"))
    keyed = ranked.filter(pl.col("_same").is_not_null()).sort(
        "_same", "_rank", POS, nulls_last=False).unique("_same", keep="last")
    return pl.concat([keyed, ranked.filter(pl.col("_same").is_null())]).sort(POS).drop(
        "_same", "_rank")


# ---- timestamps -------------------------------------------------------------------------------

def instants(cells: pl.Series, source: Source) -> tuple[pl.Series, pl.Series]:
    """UTC instants of timestamp cells in the source's formats (tried first) and time zone, and
    a message for each cell that is not one."""
    offset_formats = [f for f in source.datetime_formats if "%z" in f]
    wall_formats = tuple(_chrono(f) for f in source.datetime_formats if "%z" not in f)
    typed, message = parse_timestamps(cells, wall_formats, source.timezone)
    if offset_formats:
        zoned = cells.str.replace(r"\s*[Zz]$", "+00:00")
        absolute = pl.select(pl.coalesce(
            pl.lit(zoned).str.strptime(pl.Datetime("us", "UTC"), _chrono(f), strict=False)
            for f in offset_formats)).to_series()
        typed = absolute.fill_null(typed)
        message = pl.select(pl.when(pl.lit(absolute).is_null()).then(pl.lit(message)))\
            .to_series()
    if source.datetime_formats:
        forms = " or ".join(source.datetime_formats)
        unread = message.str.starts_with("not a timestamp").fill_null(False)
        message = pl.select(pl.when(pl.lit(unread)).then(pl.lit(
            f"not a timestamp ({forms}, or YYYY-MM-DD HH:MM[:SS])"))
            .otherwise(pl.lit(message))).to_series()
    return typed, message


def _chrono(pattern: str) -> str:
    """A Python strptime pattern as polars (chrono) reads it: `.%f` is any fraction."""
    return pattern.replace(".%f", "%.f")


def as_canonical_time(instant: pl.Expr) -> pl.Expr:
    """A UTC instant as canonical timestamp text (with its offset, so read as absolute)."""
    return instant.dt.strftime(ISO_UTC)


# ---- canonical cells --------------------------------------------------------------------------

def finish(source: Source, records: Records, cells: pl.DataFrame, excluded_count: int,
           combined_count: int, early: list[pl.DataFrame] | None = None,
           fallbacks: dict[str, str] | None = None) -> Translation:
    """The Translation of a file: `cells` has POS and the canonical columns the adapter found
    (from `columns` and its own derivations, as source text); this applies value maps and
    enums to them, then the canonical values of `constants`, `defaults` and the adapter's
    `fallbacks` (which no map sees), then classification and the source's timestamp forms,
    and builds the RawFile."""
    feed = source.feed
    frame = cells.with_columns(
        (pl.lit(None, pl.String) if c.name in source.constants else _present(cells, c.name))
        .alias(c.name) for c in feed.columns)
    unmapped: Unmapped = {}
    problems = list(early or [])
    for col in feed.columns:
        frame, found = _mapped(frame, col, source, unmapped)
        problems.append(found)
    frame = frame.with_columns(pl.lit(v, pl.String).alias(c) for c, v in source.constants.items())
    for given in (source.defaults, fallbacks or {}):
        frame = frame.with_columns(pl.col(c).fill_null(pl.lit(v, pl.String))
                                   for c, v in given.items())
    frame, misses = _classified(frame, source)
    if misses:
        unmapped.setdefault("reason", Counter()).update(misses)
    frame, found = _timestamps(frame, source)
    problems.extend(found)
    unreadable = pl.DataFrame({POS: list(records.unreadable), "column": "",
                               "message": list(records.unreadable.values())},
                              schema={POS: pl.UInt32, "column": pl.String, "message": pl.String})
    problems.append(unreadable)
    if not frame.get_column(POS).is_sorted():
        frame = frame.sort(POS)
    frame = frame.with_row_index(ROW)
    positions = frame.get_column(POS)
    early_problems = _by_row(pl.concat(p.select(POS, "column", "message").cast(
        {POS: pl.UInt32}) for p in problems), frame)
    raw = RawFile(
        frame=frame.select(ROW, *(c.name for c in feed.columns)),
        original=pl.DataFrame(), unknown_columns=[], blank_rows=records.blank, shape_errors={},
        row_numbers=records.numbers.gather(positions), row_word=records.word,
        early_problems=early_problems,
        source_text=lambda rows: records.texts(positions.gather(rows).to_list()))
    return Translation(raw, records.frame.height, excluded_count, combined_count,
                       {c: v for c, v in unmapped.items() if v}, records.notes, positions)


def _present(cells: pl.DataFrame, name: str) -> pl.Expr:
    if name in cells.columns:
        return pl.col(name).cast(pl.String)
    return pl.lit(None, pl.String)


def _by_row(problems: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    return problems.join(frame.select(ROW, POS), on=POS).select(ROW, "column", "message")


def _mapped(frame: pl.DataFrame, col: Column, source: Source,
            unmapped: Unmapped) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The column through its value map; for an enum column, values neither mapped nor valid
    become problems (the cell is left empty). Counts the values the map missed. Each distinct
    value is looked up once, and the rows take their value's answer."""
    mapping = source.values.get(col.name)
    allowed = enum_values(source.feed, col)
    if mapping is None and allowed is None:
        return frame, _no_problems()
    name = col.name
    table = _distinct(frame, name)
    hit = pl.col("_key").is_in(list(mapping or {}))
    table = table.with_columns(hit.alias("_hit"), pl.when(hit).then(pl.col("_key").replace_strict(
        mapping or {}, default=None, return_dtype=pl.String)).otherwise(pl.col("_value"))
        .alias("_result"))
    if allowed is not None:
        valid = enum_key(pl.col("_result").str.strip_chars()).is_in(allowed)
    elif col.kind == "int":
        valid = pl.col("_result").str.contains(r"^\s*[+-]?\d+\s*$")
    else:
        valid = pl.lit(False)  # a text column: only the map's keys are mapped
    table = table.with_columns(valid.alias("_valid"))
    missed = table.filter(~pl.col("_hit") & ~pl.col("_valid")).get_column("_value")
    if missed.len():
        counts = frame.filter(pl.col(name).is_in(missed.implode())).get_column(name).value_counts()
        unmapped.setdefault(name, Counter()).update(dict(counts.iter_rows()))
    bad = table.filter(~pl.col("_valid")).get_column("_value") if allowed is not None \
        else pl.Series([], dtype=pl.String)
    problems = frame.filter(pl.col(name).is_in(bad.implode())).select(
        POS, pl.lit(name).alias("column"),
        pl.format(UNMAPPED_TEXT.format(column=name, value="{}", source=source.name),
                  pl.col(name)).alias("message"))
    kept = table.with_columns(pl.when(pl.col("_valid") | pl.lit(allowed is None))
                              .then(pl.col("_result")).alias("_result"))
    return frame.with_columns(pl.col(name).replace_strict(
        kept.get_column("_value"), kept.get_column("_result"), default=None,
        return_dtype=pl.String)), problems


def _distinct(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """The column's distinct values (`_value`) with their match keys (`_key`)."""
    values = frame.get_column(name).drop_nulls().unique()
    return pl.DataFrame({"_value": values}, schema={"_value": pl.String}).with_columns(
        enum_key(pl.col("_value").str.strip_chars()).alias("_key"))


def _classified(frame: pl.DataFrame, source: Source) -> tuple[pl.DataFrame, dict[str, int]]:
    """Rows without a demand type of their own take it (and the failure type) from the
    classify table by reason; returns the reasons that missed, with their counts."""
    if not source.classify:
        return frame, {}
    reasons = _distinct(frame, "reason")
    found = [source.classify.get(k, (None, None)) for k in reasons.get_column("_key").to_list()]
    values = reasons.get_column("_value").to_list()
    unknown = _distinct(frame, "demand_type").filter(pl.col("_key") == "unknown")
    own = pl.col("demand_type").is_not_null() & ~pl.col("demand_type").is_in(
        unknown.get_column("_value").implode())
    looked_up = frame.with_columns(
        pl.col("reason").replace_strict(values, [d for d, _ in found], default=None,
                                        return_dtype=pl.String).alias("_demand"),
        pl.col("reason").replace_strict(values, [f for _, f in found], default=None,
                                        return_dtype=pl.String).alias("_failure"))
    hit = ~own & pl.col("_demand").is_not_null()
    misses = looked_up.filter(~own & pl.col("reason").is_not_null()
                              & pl.col("_demand").is_null())
    counts = dict(misses.get_column("reason").value_counts().iter_rows())
    classified = looked_up.with_columns(
        pl.when(hit).then(pl.col("_demand")).otherwise(pl.col("demand_type"))
        .alias("demand_type"),
        pl.when(hit).then(pl.col("_failure")).otherwise(pl.col("failure_type"))
        .alias("failure_type"))
    return classified.drop("_demand", "_failure"), counts


def _timestamps(frame: pl.DataFrame, source: Source) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Timestamps and dates in the source's own formats or time zone, as canonical text."""
    if not source.datetime_formats and source.timezone == LONDON and not source.date_formats:
        return frame, []  # canonical forms in UK time: the load reads them as they are
    problems = []
    for col in source.feed.columns:
        if col.kind == "timestamp" and (source.datetime_formats or source.timezone != LONDON):
            typed, message = instants(frame.get_column(col.name), source)
            problems.append(frame.select(POS).with_columns(
                pl.lit(col.name).alias("column"),
                pl.format("{}: {}", pl.lit(col.name), pl.lit(message)).alias("message"),
            ).filter(pl.lit(message).is_not_null()))
            frame = frame.with_columns(pl.lit(typed).dt.strftime(ISO_UTC).alias(col.name))
        elif col.kind == "date" and source.date_formats:
            frame = frame.with_columns(_date_text(pl.col(col.name), source).alias(col.name))
    return frame, problems


def _date_text(cell: pl.Expr, source: Source) -> pl.Expr:
    """Dates in the source's formats (or feeds.md's) as YYYY-MM-DD; others left for the load
    to report."""
    parsed = pl.coalesce(
        *(cell.str.strptime(pl.Datetime("us"), _chrono(f), strict=False).dt.date()
          if "%H" in f or "%I" in f else cell.str.strptime(pl.Date, _chrono(f), strict=False)
          for f in source.date_formats),
        *(cell.str.strptime(pl.Date, f, strict=False) for f in DATE_FORMATS))
    return pl.when(parsed.is_not_null()).then(parsed.dt.strftime("%Y-%m-%d")).otherwise(cell)


def _no_problems() -> pl.DataFrame:
    return pl.DataFrame(schema={POS: pl.UInt32, "column": pl.String, "message": pl.String})


def merge_unmapped(into: Unmapped, other: Unmapped) -> None:
    for column, counts in other.items():
        into.setdefault(column, Counter()).update(counts)


def unmapped_json(unmapped: Unmapped, feed: Feed) -> dict[str, dict[str, int]]:
    """{column: {value: count}}: columns in the feed's order, values most frequent first."""
    order = [c.name for c in feed.columns]
    return {column: dict(sorted(unmapped[column].items(), key=lambda kv: (-kv[1], kv[0])))
            for column in sorted(unmapped, key=lambda c: order.index(c) if c in order else 99)
            if unmapped[column]}
