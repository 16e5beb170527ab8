"""The `call_legs` adapter: call segments (a telephony export, or JSON lines such as Amazon
Connect contact records) into one contact per call.

Legs share a call id (`call_id`, or else the source column of `contact_id`; for Amazon Connect
`["InitialContactId", "ContactId"]`); a leg starts at `started_at` (or else `received_at`'s). A leg
seen twice (same `leg_id`) counts once: the copy with the greatest `updated_at`. Then, per call,
with its legs in order of start:
- contact_id = the call id; received_at = the earliest leg start;
- service = the first queue the call entered (through `values.service`); `defaults.service`,
  else "Not recorded", for a call that entered none;
- wait_seconds = the queue time up to the first agent answer, or all of it when never answered
  (a leg's queue time: dequeued_at - queued_at, or queue_seconds, or, when dequeued_at is
  missing, agent_connected_at - queued_at); empty when the call never queued or a queue time
  it needs is unknown;
- abandoned = it entered a queue and no agent answered (`agent_connected_at` or `answered`);
  a call that ended before any queue (in the IVR) is a contact, not abandoned, with no wait;
  empty when the legs say nothing of queues or of answers;
- handle_seconds = the sum over its legs; channel = phone unless the source says otherwise;
- any other canonical column in `columns`: the first non-empty value over its legs.
Legs beyond a call's first count as combined records.
"""

import polars as pl

from pipelines.parse import FALSE, TRUE, enum_key
from pipelines.sources.config import LEG_FALLBACKS, LEG_FIELDS, Source
from pipelines.sources.mapping import (
    POS,
    Translation,
    as_canonical_time,
    excluded,
    field_names,
    finish,
    first_of,
    instants,
    keep_latest,
    needs,
    protect,
)
from pipelines.sources.records import decode, read_delimited, read_json_document, read_json_lines

TIMES = {"started_at": "received_at", "queued_at": "wait_seconds", "dequeued_at": "wait_seconds",
         "agent_connected_at": "wait_seconds", "updated_at": "updated_at"}
SECONDS = {"queue_seconds": "wait_seconds", "handle_seconds": "handle_seconds"}
REQUIRED = ("call_id", "started_at")
SOLO = "\x00"  # prefixes the key of a leg without a call id: a call of its own
NOT_RECORDED = "Not recorded"


def translate_legs(source: Source, data: bytes, name: str) -> Translation:
    """A file of call legs: CSV (or any delimited text), JSON lines, or a JSON list."""
    records = _read(source, data, name)
    frame = records.frame.with_row_index(POS)
    kept = frame.filter(~excluded(frame, source))
    legs, problems = _legs(kept, source)
    if "leg_id" in source.columns:
        # Only the legs whose id repeats need choosing between.
        repeated = legs.get_column("_leg").is_duplicated()
        if repeated.any():
            legs = pl.concat([legs.filter(~repeated), keep_latest(
                legs.filter(repeated), pl.col("_leg"), pl.col("_updated"))])
    calls = _calls(legs, source)
    early = (problems.join(legs.select(POS, "_key"), on=POS)
             .join(calls.select(pl.col(POS).alias("_call_pos"), "_key"), on="_key")
             .select(pl.col("_call_pos").alias(POS), "column", "message"))
    cells = calls.drop("_key")
    # A call that ended in the IVR entered no queue: a contact all the same.
    return finish(source, records, cells, frame.height - kept.height, kept.height - calls.height,
                  [early], fallbacks={"service": NOT_RECORDED})


def _read(source: Source, data: bytes, name: str):
    paths = field_names(needs(source, required=REQUIRED))
    first = data.lstrip(b" \t\r\n\xef\xbb\xbf")[:1]
    if first == b"{":
        return read_json_lines(decode(data, source.encoding, name), paths, protect(source))
    if first == b"[":
        return read_json_document(decode(data, source.encoding, name), name, paths,
                                  protect(source))
    return read_delimited(data, name, needs(source, required=REQUIRED), protect(source),
                          encoding=source.encoding, delimiter=source.delimiter,
                          header_rows=source.header_rows)


def _legs(frame: pl.DataFrame, source: Source) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each leg's fields typed (`_call`, `_leg`, `_queue`, `_started`, ..., the canonical
    columns of `columns` as text), and the problems of cells that could not be read."""
    def cell(field: str) -> pl.Expr:
        names = source.source_columns(field) or source.source_columns(
            LEG_FALLBACKS.get(field, ""))
        return first_of(frame, names, source)

    legs = frame.select(POS, cell("call_id").alias("_call"), cell("leg_id").alias("_leg"),
                        cell("queue").alias("_queue"), cell("answered").alias("_answered_text"),
                        *(cell(f).alias(f"_{f}_text") for f in (*TIMES, *SECONDS)),
                        *(cell(c).alias(c) for c in source.columns if c not in LEG_FIELDS))
    problems = []
    for field, column in TIMES.items():
        name = f"_{field.removesuffix('_at')}"
        if not (source.source_columns(field) or source.source_columns(
                LEG_FALLBACKS.get(field, ""))):
            legs = legs.with_columns(pl.lit(None, pl.Datetime("us", "UTC")).alias(name))
            continue
        typed, message = instants(legs.get_column(f"_{field}_text"), source)
        legs = legs.with_columns(typed.alias(name))
        problems.append(_problem(legs, message, field, column))
    for field, column in SECONDS.items():
        text = pl.col(f"_{field}_text")
        legs = legs.with_columns(_seconds(legs.get_column(f"_{field}_text")).alias(f"_{field}"))
        message = legs.select(pl.when(text.is_not_null() & pl.col(f"_{field}").is_null()).then(
            pl.lit("not a number of seconds (e.g. 75 or 1:15)"))).to_series()
        problems.append(_problem(legs, message, field, column))
    answered = enum_key(pl.col("_answered_text"))
    legs = legs.with_columns(pl.when(answered.is_in(list(TRUE))).then(True)
                             .when(answered.is_in(list(FALSE))).then(False).alias("_answered"))
    message = legs.select(pl.when(pl.col("_answered_text").is_not_null()
                                  & pl.col("_answered").is_null()).then(
        pl.lit("not true/false, yes/no, y/n or 1/0"))).to_series()
    problems.append(_problem(legs, message, "answered", "abandoned"))
    legs = legs.with_columns(pl.coalesce(pl.col("_call"), pl.lit(SOLO) + pl.col(POS).cast(
        pl.String)).alias("_key"))
    return legs, pl.concat(problems)


def _problem(legs: pl.DataFrame, message: pl.Series, field: str, column: str) -> pl.DataFrame:
    return legs.select(POS).with_columns(
        pl.lit(column).alias("column"),
        pl.format("{}: {}", pl.lit(field), pl.lit(message)).alias("message"),
    ).filter(pl.lit(message).is_not_null())


def _seconds(text: pl.Series) -> pl.Series:
    """A duration: a number of seconds (a fraction rounded) or [H:]MM:SS, as telephony
    exports write them. The clock form is looked for only in cells that are not a number."""
    seconds = text.str.strip_chars().cast(pl.Float64, strict=False).round(0).cast(pl.Int64)
    other = (seconds.is_null() & text.is_not_null()).arg_true()
    if not other.len():
        return seconds
    clock = text.gather(other).str.extract_groups(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{2})\s*$")
    return seconds.scatter(other, (clock.struct.field("1").cast(pl.Int64).fill_null(0) * 3600
                                   + clock.struct.field("2").cast(pl.Int64) * 60
                                   + clock.struct.field("3").cast(pl.Int64)))


def _knows_abandonment(source: Source) -> bool:
    """Whether the legs say both if a call queued and if an agent answered it."""
    return (any(f in source.columns for f in ("queued_at", "queue_seconds", "queue"))
            and any(f in source.columns for f in ("agent_connected_at", "answered")))


def _calls(legs: pl.DataFrame, source: Source) -> pl.DataFrame:
    """One row per call: POS of its first leg, `_key`, and its canonical cells as text.

    Most calls are one leg: those are read row by row, and only calls of several legs are
    grouped (over a million legs, grouping them all costs several times as long)."""
    answered = (pl.col("_agent_connected").is_not_null() | pl.col("_answered").fill_null(False))
    entered = (pl.col("_queued").is_not_null() | pl.col("_queue_seconds").is_not_null()
               | pl.col("_queue").is_not_null())
    queue_time = pl.coalesce(
        (pl.col("_dequeued") - pl.col("_queued")).dt.total_seconds(),
        pl.col("_queue_seconds"),
        (pl.col("_agent_connected") - pl.col("_queued")).dt.total_seconds())
    legs = legs.with_columns(answered.alias("_answered_leg"), entered.alias("_entered"),
                             queue_time.alias("_queue_time"))
    shared = legs.get_column("_key").is_duplicated()
    several = legs.filter(shared).sort("_key", "_started", POS, nulls_last=True)
    # A leg's queue time counts while no earlier leg of its call was answered.
    answers = pl.col("_answered_leg").cast(pl.Int32)
    several = several.with_columns(
        (((answers.cum_sum() - answers).over("_key") == 0) & pl.col("_entered"))
        .alias("_counted"))
    single = legs.filter(~shared).with_columns(pl.col("_entered").alias("_counted"))
    fields = _per_call([c for c in source.columns if c not in LEG_FIELDS])
    calls = pl.concat([
        single.select("_key", *(row.alias(name) for name, (_, row) in fields.items())),
        several.group_by("_key", maintain_order=True).agg(
            *(over.alias(name) for name, (over, _) in fields.items())),
    ])
    derived = {
        "received_at": as_canonical_time(pl.col("_received")),
        "wait_seconds": pl.when(pl.col("_queued_any") & ~pl.col("_wait_unknown"))
        .then(pl.col("_wait").cast(pl.String)),
        "abandoned": pl.when(pl.col("_queued_any") & ~pl.col("_answered_any"))
        .then(pl.lit("true")).otherwise(pl.lit("false")) if _knows_abandonment(source)
        else pl.lit(None, pl.String),
        "handle_seconds": pl.when(pl.col("_handled")).then(pl.col("_handle").cast(pl.String)),
        "channel": pl.lit("phone"),
        "contact_id": pl.col("contact_id"),
        "service": pl.col("service"),
    }
    canonical = [name.removeprefix("_col_") for name in fields if name.startswith("_col_")]
    cells = {c: pl.coalesce(pl.col(f"_col_{c}"), derived[c]) if c in derived
             else pl.col(f"_col_{c}") for c in canonical}
    cells = {**derived, **cells}
    return calls.select(POS, "_key", *(e.alias(c) for c, e in cells.items()))


def _per_call(canonical: list[str]) -> dict[str, tuple[pl.Expr, pl.Expr]]:
    """Each call's field: (over its legs in order of start, for a call of one leg)."""
    unknown = pl.col("_counted") & pl.col("_queue_time").is_null()
    return {
        POS: (pl.col(POS).first(), pl.col(POS)),
        "contact_id": (pl.col("_call").first(), pl.col("_call")),
        "_received": (pl.col("_started").min(), pl.col("_started")),
        "service": (pl.col("_queue").drop_nulls().first(), pl.col("_queue")),
        "_handle": (pl.col("_handle_seconds").sum(), pl.col("_handle_seconds")),
        "_handled": (pl.col("_handle_seconds").is_not_null().any(),
                     pl.col("_handle_seconds").is_not_null()),
        "_queued_any": (pl.col("_entered").any(), pl.col("_entered")),
        "_answered_any": (pl.col("_answered_leg").any(), pl.col("_answered_leg")),
        "_wait": (pl.col("_queue_time").filter(pl.col("_counted")).sum(),
                  pl.col("_queue_time")),
        "_wait_unknown": (unknown.any(), unknown),
        **{f"_col_{c}": (pl.col(c).drop_nulls().first(), pl.col(c)) for c in canonical},
    }
