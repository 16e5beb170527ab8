"""Loading one canonical CSV file: parse, validate, quarantine, pseudonymise, upsert, log.

The whole file is one transaction: a crash part-way leaves the warehouse as it was. Every row
read is accounted for: rows_read = inserted + updated + unchanged + quarantined.
"""

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine

from data.bulk import insert_frame, schema_of, staged_inserts
from data.keys import record_fingerprint
from data.load_log import already_loaded, record_alone
from data.loads import close_log, open_log
from data.models import LoadLog, QuarantineRow
from data.programme import record_risk_scores
from data.writes import existing_rows, matter_contacts, replace_rows, update_neighbours
from pipelines.feeds import FEEDS, Feed
from pipelines.parse import ROW, TRUE, RawFile, RejectedFile, enum_key, parse_cells, read_raw
from pipelines.privacy import key_fingerprint, mask_text, pseudonym_key, pseudonymise
from pipelines.results import LoadResult, skipped, unloaded_record
from pipelines.screen import suspects
from pipelines.workbook import SUFFIX as WORKBOOK
from pipelines.workbook import read_workbook
from transform.marts import refresh_contact_marts
from transform.matters import MATTER, REACH, matter_neighbours

MAX_MESSAGES = 50
SAFEGUARDING = "safeguarding"  # the contacts feed's flag, read on quarantined rows too
WITHHELD = "[withheld: the row's fields do not line up with the header]"
SOURCE_SYSTEM_LENGTH = LoadLog.__table__.c.source_system.type.length


Progress = Callable[[str], None]


@dataclass(frozen=True)
class Offer:
    """One batch of rows offered to the load path: a canonical file, or what a source adapter
    translated from a council system's export. `read` turns it into text cells; `digest` is the
    SHA-256 of the bytes it came from (the same bytes are loaded once)."""

    feed: Feed
    source_system: str
    name: str  # the file (or pull) named in messages, the load log and the quarantine
    digest: str
    read: Callable[[], RawFile]
    # Runs inside the load's transaction once its rows are written, with the valid rows (an
    # Open311 pull moves its watermark there: the pull and the watermark commit together).
    after_write: Callable[[Connection, pl.DataFrame], None] | None = None


def ingest_file(engine: Engine, feed: str, path: Path | str, source_system: str = "canonical",
                progress: Progress | None = None) -> LoadResult:
    """Load one canonical file of `feed` from `path` into the warehouse, as `docs/feeds.md` says:
    a CSV file, or the first sheet of an `.xlsx` workbook (`pipelines.workbook`)."""
    spec = FEEDS[feed]
    path = Path(path)
    data = path.read_bytes()
    reader = read_workbook if path.suffix.lower() == WORKBOOK else read_raw
    offer = Offer(spec, source_system, path.name, hashlib.sha256(data).hexdigest(),
                  lambda: reader(data, spec, path.name))
    return load(engine, offer, progress)


def load(engine: Engine, offer: Offer, progress: Progress | None = None,
         dry_run: bool = False) -> LoadResult:
    """The one load path: skip bytes loaded before, read, validate, quarantine, pseudonymise and
    upsert, all in one transaction, and log what happened. A dry run does all but the writing
    and the log: its result says what the load would do."""
    spec, source_system, name = offer.feed, offer.source_system, offer.name
    say = progress or (lambda _msg: None)
    started = datetime.now(UTC)
    log = dict(feed=spec.name, source_system=source_system, file_name=name, sha256=offer.digest,
               started_at=started)

    if len(source_system) > SOURCE_SYSTEM_LENGTH:
        # The log keeps the name cut to what its column holds; the message says so.
        log["source_system"] = f"{source_system[:SOURCE_SYSTEM_LENGTH - 1]}…"
        return _unloaded(engine, log, dry_run, LoadResult(spec.name, name, "rejected", errors=[
            f"{name}: the source system's name is longer than {SOURCE_SYSTEM_LENGTH} "
            "characters; nothing was loaded"]))
    # Checked again under the load lock, before anything is written: this first look only
    # spares re-sent bytes the reading and validating.
    with engine.connect() as conn:
        if already_loaded(conn, spec.name, source_system, offer.digest):
            return _skipped(engine, log, name, dry_run)
    try:
        say("reading")
        raw = offer.read()
    except RejectedFile as e:
        return _unloaded(engine, log, dry_run,
                         LoadResult(spec.name, name, "rejected", errors=[str(e)]))

    say(f"validating {raw.frame.height:,} rows")
    parsed = parse_cells(raw.frame, spec)
    problems = _all_problems(raw, parsed.problems, _broken_rules(parsed.frame, spec, started))
    bad_rows = problems.get_column(ROW).unique()
    good = parsed.frame.filter(~pl.col(ROW).is_in(bad_rows.implode()))
    good = _protect(good, spec)

    result = LoadResult(spec.name, name, "loaded", rows_read=raw.frame.height,
                        rows_quarantined=bad_rows.len())
    result.errors = _messages(name, problems, raw)
    if raw.unknown_columns:
        result.errors.insert(0, f"{name}: ignored unknown column(s): "
                                f"{', '.join(raw.unknown_columns)}")

    if dry_run:
        with engine.connect() as conn:
            stored = _store(spec, good, source_system, 0)
            writes, replaced, result.rows_unchanged = _classify(conn, spec, stored, source_system)
        result.rows_updated = replaced.height
        result.rows_inserted = writes.height - replaced.height
        return result

    say(f"writing {good.height:,} rows")
    try:
        _write(engine, offer, log, result, good, raw, problems, say)
    except _LoadedMeanwhile:
        return _skipped(engine, log, name, dry_run)
    return result


class _LoadedMeanwhile(Exception):
    """The same bytes were loaded by another process while this one read them."""


def _skipped(engine: Engine, log: dict, name: str, dry_run: bool) -> LoadResult:
    return _unloaded(engine, log, dry_run, skipped(log["feed"], name))


def _unloaded(engine: Engine, log: dict, dry_run: bool, result: LoadResult) -> LoadResult:
    """Record a file that loaded nothing (skipped or rejected), unless this is a dry run."""
    if not dry_run:
        record_alone(engine, unloaded_record(log, result))
    return result


def _write(engine: Engine, offer: Offer, log: dict, result: LoadResult, good: pl.DataFrame,
           raw: RawFile, problems: pl.DataFrame, say: Progress) -> None:
    """Write the file's rows, quarantine and log in one transaction, under the load lock."""
    spec, source_system, name = offer.feed, offer.source_system, offer.name
    with engine.connect() as conn, staged_inserts(conn), conn.begin():
        load_id = open_log(conn, **log)
        if already_loaded(conn, spec.name, source_system, offer.digest, other_than=load_id):
            raise _LoadedMeanwhile
        # The first load's key is the warehouse's: the command line refuses any other.
        record_fingerprint(conn, key_fingerprint(pseudonym_key()))
        stored = _store(spec, good, source_system, load_id)
        writes, replaced, result.rows_unchanged = _classify(conn, spec, stored, source_system)
        result.rows_updated = replaced.height
        result.rows_inserted = writes.height - replaced.height
        moved = None
        if spec.name == "contacts" and writes.height:
            say("refreshing derived facts")
            writes, moved = _with_neighbours(conn, writes, replaced)
        replace_rows(conn, spec.model.__table__, spec.key, source_system, writes,
                     replaced.height)
        if spec.name == "risks":
            # Each risk's trend reads this history: a new or rescored risk is recorded with
            # the load that wrote it.
            record_risk_scores(conn, writes, f"load {load_id}: {name}", datetime.now(UTC),
                               load_id)
        _quarantine(conn, spec, raw, problems, source_system, load_id, name)
        if moved is not None:
            update_neighbours(conn, moved)
            refresh_contact_marts(conn, changed_instants=pl.concat([
                writes.get_column("received_at"), replaced.get_column("received_at"),
                moved.get_column("received_at")]), written=writes, load_id=load_id)
        if offer.after_write is not None:
            offer.after_write(conn, good)
        close_log(conn, load_id, spec.name, **result.counts(), finished_at=datetime.now(UTC),
                  errors=json.dumps(result.errors))


# ---- the file's rows --------------------------------------------------------------------------

def _all_problems(raw: RawFile, parse_problems: pl.DataFrame,
                  rule_problems: pl.DataFrame) -> pl.DataFrame:
    shape = pl.DataFrame({ROW: list(raw.shape_errors), "message": list(raw.shape_errors.values())},
                         schema={ROW: pl.UInt32, "message": pl.String})
    early = _early_problems(raw)
    problems = pl.concat([shape, early.select(ROW, "message"), parse_problems, rule_problems])
    # An unparseable required cell is also null; its parse message already says what is wrong.
    column = pl.col("message").str.split(": ").list.first()
    unparsed = pl.concat([parse_problems.select(ROW, column.alias("column")),
                          early.select(ROW, "column")]).unique()
    redundant = (pl.col("message").str.contains(": a value is required", literal=True)
                 & pl.struct(ROW, column.alias("column")).is_in(
                     unparsed.select(pl.struct(ROW, "column")).to_series().implode()))
    # A record the adapter could not read at all is quarantined for that alone.
    unread = early.filter(pl.col("column") == "")
    redundant = redundant | (pl.col(ROW).is_in(unread.get_column(ROW).implode())
                             & ~pl.col("message").is_in(unread.get_column("message").implode()))
    return problems.filter(~redundant).unique(maintain_order=True).sort(ROW, maintain_order=True)


def _broken_rules(typed: pl.DataFrame, feed: Feed, now: datetime) -> pl.DataFrame:
    """The rows that break the feed's rules, as great-expectations judges them: its suite runs
    the rules some row could break, on the rows that could (`pipelines.screen`)."""
    screened = suspects(typed, feed, now)
    if not screened.rules:
        return pl.DataFrame(schema={ROW: pl.UInt32, "message": pl.String})
    # Imported here: great-expectations takes seconds to import, which a file that breaks no
    # rule (or a skipped or rejected one) need not wait for.
    from pipelines.validate import broken_rules  # noqa: PLC0415

    return broken_rules(screened.rows, feed, now, only=screened.rules)


def _early_problems(raw: RawFile) -> pl.DataFrame:
    schema = {ROW: pl.UInt32, "column": pl.String, "message": pl.String}
    if raw.early_problems is None:
        return pl.DataFrame(schema=schema)
    return raw.early_problems.select(pl.col(n).cast(t) for n, t in schema.items())


def _messages(file_name: str, problems: pl.DataFrame, raw: RawFile) -> list[str]:
    if problems.height == 0:
        return []
    per_row = problems.group_by(ROW, maintain_order=True).agg("message").sort(ROW)
    shown = per_row.head(MAX_MESSAGES)
    numbers = raw.numbers(shown.get_column(ROW)).to_list()
    lines = [f"{file_name} {raw.row_word} {n}: {'; '.join(m)}"
             for n, m in zip(numbers, shown.get_column("message").to_list())]
    if per_row.height > MAX_MESSAGES:
        lines.append(f"{file_name}: and {per_row.height - MAX_MESSAGES:,} more rows quarantined")
    return lines


def _protect(frame: pl.DataFrame, feed: Feed) -> pl.DataFrame:
    """Pseudonymise identifiers and mask free text before anything is written."""
    if "customer_ref" in frame.columns:
        frame = frame.with_columns(
            pseudonymise(frame.get_column("customer_ref"), pseudonym_key()).alias("customer_ref"))
    if "comment" in frame.columns:
        frame = frame.with_columns(mask_text(pl.col("comment")))
    return frame


def _store(feed: Feed, frame: pl.DataFrame, source_system: str, load_id: int) -> pl.DataFrame:
    """The rows as the warehouse table holds them."""
    table = feed.model.__table__
    renamed = frame.rename({c.name: c.target for c in feed.columns if c.store_as})
    stored = renamed.with_columns(pl.lit(source_system).alias("source_system"),
                                  pl.lit(load_id, pl.Int64).alias("load_id"))
    if feed.key_with:
        stored = stored.with_columns(pl.concat_str(
            [feed.id_column, *feed.key_with], separator="|").alias(feed.key))
    schema = schema_of(table, [c for c in stored.columns if c in table.c])
    return stored.select(pl.col(n).cast(t) for n, t in schema.items())


# ---- the warehouse ----------------------------------------------------------------------------

def _classify(conn: Connection, feed: Feed,
              stored: pl.DataFrame, source_system: str) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Split the file's valid rows into those to write (new or changed) and count the unchanged.

    Returns (rows to write, the warehouse's previous version of the changed ones, unchanged).
    """
    table = feed.model.__table__
    key = feed.key
    before = existing_rows(conn, table, key, source_system, stored.get_column(key))
    if before.height == 0:
        return stored, before, 0
    compared = [c for c in stored.columns if c not in ("load_id", "source_system", key)]
    joined = stored.join(
        before.select(key, *compared).with_columns(pl.lit(True).alias("_present")),
        on=key, how="left", suffix="__old")
    same = pl.col("_present").fill_null(False) & pl.all_horizontal(
        pl.col(c).eq_missing(pl.col(f"{c}__old")) for c in compared)
    to_write = joined.filter(~same).get_column(key)
    writes = stored.filter(pl.col(key).is_in(to_write.implode()))
    replaced = before.filter(pl.col(key).is_in(to_write.implode()))
    return writes, replaced, stored.height - writes.height


def _quarantine(conn: Connection, feed: Feed, raw: RawFile, problems: pl.DataFrame,
                source_system: str, load_id: int, file_name: str) -> None:
    if problems.height == 0:
        return
    reasons = problems.group_by(ROW).agg("message").sort(ROW)
    rows = reasons.get_column(ROW).to_list()
    originals = _original_text(raw, rows, feed)
    reasons = reasons.with_columns(raw.numbers(reasons.get_column(ROW)).alias("row_number"))
    frame = reasons.join(originals, on=ROW).join(_flagged(raw, rows), on=ROW).select(
        pl.lit(load_id, pl.Int64).alias("load_id"),
        pl.lit(feed.name).alias("feed"),
        pl.lit(source_system).alias("source_system"),
        pl.lit(file_name).alias("file_name"),
        pl.col("row_number"),
        pl.col("record_id"),
        pl.col("raw_text"),
        pl.col("message").map_elements(lambda m: json.dumps(m.to_list()),
                                       return_dtype=pl.String).alias("reasons"),
        pl.col("safeguarding"))
    insert_frame(conn, QuarantineRow.__table__, frame)


def _flagged(raw: RawFile, rows: list[int]) -> pl.DataFrame:
    """Whether each quarantined row's `safeguarding` cell reads true, as the feed reads a
    boolean (whatever else is wrong with the row): its record is then kept apart on the
    dashboard, as a loaded one would be. Only the flag is kept, never the cell."""
    cells = raw.frame.filter(pl.col(ROW).is_in(rows))
    flag = (enum_key(pl.col(SAFEGUARDING).str.strip_chars()).is_in(list(TRUE)).fill_null(False)
            if SAFEGUARDING in cells.columns else pl.lit(False))
    return cells.select(ROW, flag.alias("safeguarding"))


def _original_text(raw: RawFile, rows: list[int], feed: Feed) -> pl.DataFrame:
    """Each row's cells of the feed's columns as CSV text in the file's own column order, except
    that identifiers are pseudonymised and comments masked: raw customer identifiers never reach
    the warehouse, not even its quarantine. A row with more or fewer fields than the header may
    have its cells shifted, so an identifier may sit under any column: its text (and its id,
    unless the file's first cell) is withheld, and its row number finds it in the file."""
    if raw.source_text is not None:
        ids = raw.frame.filter(pl.col(ROW).is_in(rows)).sort(ROW).select(
            ROW, pl.col(feed.id_column).str.strip_chars().replace("", None).alias("record_id"))
        text = raw.source_text(ids.get_column(ROW).to_list())
        return ids.with_columns(pl.Series("raw_text", text, dtype=pl.String))
    original = raw.original.filter(pl.col(ROW).is_in(rows))
    cells = [c for c in original.columns if c != ROW]
    by_name = {c.strip().lower(): c for c in cells}
    protected = original.with_columns(pl.col(cells).replace("", None))
    if "customer_ref" in by_name:
        ref = by_name["customer_ref"]
        protected = protected.with_columns(pseudonymise(
            protected.get_column(ref).str.strip_chars().replace("", None), pseudonym_key()))
    # Comments, and any other cell that holds an e-mail address or a phone number by mistake.
    protected = protected.with_columns(mask_text(pl.col(c)) for c in cells
                                       if c != by_name.get("customer_ref"))
    text = [WITHHELD if index in raw.shape_errors else _csv_line(row)
            for index, *row in protected.select(ROW, *cells).iter_rows()]
    record_id = (pl.col(by_name[feed.id_column]).str.strip_chars() if feed.id_column in by_name
                 else pl.lit(None, pl.String))
    return protected.select(ROW, record_id.alias("record_id")).with_columns(
        pl.Series("raw_text", text))


def _csv_line(cells: tuple) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(["" if c is None else c for c in cells])
    return out.getvalue()


def _with_neighbours(conn: Connection, writes: pl.DataFrame,
                     replaced: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Matter neighbours for the contacts being written, and the stored contacts whose
    neighbours change because of them (a late or corrected contact moves its neighbours' flags).
    """
    instants = pl.concat([writes.get_column("received_at"), replaced.get_column("received_at")])
    # Only contacts within REACH of this load's can change; reading twice as far gives each of
    # those its complete neighbourhood.
    start, end = instants.min() - REACH, instants.max() + REACH
    touched = pl.concat([writes.select(MATTER), replaced.select(MATTER)]).drop_nulls().unique()
    around = matter_contacts(conn, touched, start - REACH, end + REACH)
    key = ["source_system", "contact_id"]
    kept = around.join(writes.select(key), on=key, how="anti")
    # In the order given: the stored contacts' flags first, then the written ones'.
    flags = matter_neighbours(pl.concat([
        kept.select(*key, *MATTER, "received_at"),
        writes.select(*key, *MATTER, "received_at")])).select("prev_matter_at", "next_matter_at")
    writes = writes.drop("prev_matter_at", "next_matter_at", strict=False).hstack(
        flags.tail(writes.height))
    moved = kept.hstack(flags.head(kept.height).rename(lambda c: f"{c}__new")).filter(
        pl.col("received_at").is_between(start, end)
        & (~pl.col("prev_matter_at").eq_missing(pl.col("prev_matter_at__new"))
           | ~pl.col("next_matter_at").eq_missing(pl.col("next_matter_at__new"))))
    return writes, moved.select(*key, "received_at",
                                pl.col("prev_matter_at__new").alias("prev_matter_at"),
                                pl.col("next_matter_at__new").alias("next_matter_at"))
