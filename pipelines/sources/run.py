"""Processing sources: for each chosen source, in the file's order, its new inputs translated by
its adapter and handed to the one load path (`pipelines.ingest.load`), and what happened kept
in the warehouse's `source_runs`.

A file source loads each matching file whose bytes were not loaded before, one load per file;
every new file is read and translated before any is loaded, so that a file refused whole fails
the source with nothing of it loaded. An HTTP source pulls every window and page from its
watermark and loads them as one load, which moves the watermark; a failed pull loads nothing.
"""

import glob
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from data.sources import loaded_digests, record_run
from data.url import without_password
from pipelines.feeds import FEEDS
from pipelines.ingest import Offer, load
from pipelines.parse import RejectedFile
from pipelines.privacy import mask_text
from pipelines.results import LoadResult
from pipelines.sources import open311
from pipelines.sources.call_legs import translate_legs
from pipelines.sources.config import Source
from pipelines.sources.http import PullFailed
from pipelines.sources.mapping import Translation, Unmapped, merge_unmapped, unmapped_json
from pipelines.sources.tabular import translate_canonical, translate_table

TRANSLATORS: dict[str, Callable[[Source, bytes, str], Translation]] = {
    "canonical": translate_canonical,
    "csv": translate_table,
    "survey": translate_table,
    "call_legs": translate_legs,
    "open311": open311.translate_file,
}
API_KEY_SHOWN = "[api key]"
COUNTS = ("records_read", "records_excluded", "records_combined", "rows_read", "rows_inserted",
          "rows_updated", "rows_unchanged", "rows_quarantined")
Progress = Callable[[str], None]


class SourceFailed(Exception):
    """The source cannot be processed; each argument is a message saying why."""


@dataclass
class SourceResult:
    """One source's part of a run, as `--json` prints it."""

    name: str
    adapter: str
    feed: str
    status: str = "nothing_new"  # loaded | nothing_new | failed
    inputs: list[str] = field(default_factory=list)
    records_read: int = 0
    records_excluded: int = 0
    records_combined: int = 0
    rows_read: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_quarantined: int = 0
    unmapped: Unmapped = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, translation: Translation, loaded: LoadResult) -> None:
        """Count one load (a load skipped as already loaded read nothing)."""
        if loaded.status == "rejected":
            raise SourceFailed(*loaded.errors)
        if loaded.status == "skipped":
            return
        self.errors.extend([*translation.notes, *loaded.errors])
        self.records_read += translation.records_read
        self.records_excluded += translation.records_excluded
        self.records_combined += translation.records_combined
        for count in COUNTS[3:]:
            setattr(self, count, getattr(self, count) + getattr(loaded, count))
        merge_unmapped(self.unmapped, translation.unmapped)

    def as_json(self) -> dict:
        return {"name": self.name, "adapter": self.adapter, "feed": self.feed,
                "status": self.status, "inputs": self.inputs,
                **{c: getattr(self, c) for c in COUNTS},
                "unmapped": unmapped_json(self.unmapped, FEEDS[self.feed]),
                "errors": self.errors}


def run_source(engine: Engine, source: Source, dry_run: bool = False,
               progress: Progress | None = None, now: datetime | None = None) -> SourceResult:
    """Process one source (a dry run translates and validates but writes nothing) and, unless
    a dry run, record what happened."""
    started = now or datetime.now(UTC)
    result = SourceResult(source.name, source.adapter, source.feed.name)
    say = progress or (lambda _step: None)
    try:
        if source.pull:
            _pull(engine, source, result, dry_run, say, started)
        else:
            _files(engine, source, result, dry_run, say)
        if result.rows_inserted + result.rows_updated + result.rows_quarantined:
            result.status = "loaded"
    except (SourceFailed, PullFailed, RejectedFile) as e:
        result.status = "failed"
        result.errors.extend(str(a) for a in e.args)
    except SQLAlchemyError as e:
        result.status = "failed"
        result.errors.append("could not read or write the warehouse: "
                             f"{without_password(str(getattr(e, 'orig', e)).splitlines()[0])}")
    _hide_api_key(result, _api_key(source))
    if not dry_run:
        _record(engine, source, result, started)
    return result


def _files(engine: Engine, source: Source, result: SourceResult, dry_run: bool,
           say: Progress) -> None:
    files = _matching(source)
    result.inputs = [str(f) for f in files]
    contents = {f: _bytes(f, source) for f in files}
    digests = {f: hashlib.sha256(data).hexdigest() for f, data in contents.items()}
    known = loaded_digests(engine, source.feed.name, source.name, digests.values())
    translations, refused = [], []
    for path in files:
        if digests[path] in known:
            continue
        known.add(digests[path])  # the same bytes twice in one run load once
        name = _name(path, source)
        say(f"reading {name}")
        try:
            translations.append((path, TRANSLATORS[source.adapter](source, contents[path], name)))
        except RejectedFile as e:
            refused.append(str(e))
    if refused:
        raise SourceFailed(*refused, "nothing of this source was loaded: fix or remove the "
                                     "file(s) above and run again")
    for path, translation in translations:
        name = _name(path, source)
        offer = Offer(source.feed, source.name, name, digests[path],
                      lambda t=translation: t.raw)
        result.add(translation, load(engine, offer, _prefixed(say, name), dry_run))


def _api_key(source: Source) -> str | None:
    """The value of the variable a pull's `api_key_env` names (None if none)."""
    return os.environ.get(source.pull.api_key_env) if source.pull and source.pull.api_key_env \
        else None


def _hide_api_key(result: SourceResult, key: str | None) -> None:
    """Take the API key out of every message and address the run reports and keeps. Addresses
    are shown without their `api_key` parameter already (`http.shown`); this also catches a
    server's own words that echo the key back (an error page quoting the request)."""
    if key:
        result.errors = [m.replace(key, API_KEY_SHOWN) for m in result.errors]
        result.inputs = [u.replace(key, API_KEY_SHOWN) for u in result.inputs]


def _pull(engine: Engine, source: Source, result: SourceResult, dry_run: bool, say: Progress,
          now: datetime) -> None:
    pulled = open311.pull(engine, source, _api_key(source), now, say)
    result.inputs = pulled.urls
    if not pulled.items:
        return
    translation = open311.translate_items(source, pulled.items)
    hook = None if dry_run else open311.watermark_hook(source, translation)
    offer = Offer(source.feed, source.name, pulled.name, pulled.digest,
                  lambda: translation.raw, after_write=hook)
    result.add(translation, load(engine, offer, _prefixed(say, pulled.name), dry_run))


def _matching(source: Source) -> list[Path]:
    """The files the source's globs match (relative to the configuration's folder), in order
    of path."""
    found = set()
    for pattern in source.paths:
        full = pattern if os.path.isabs(pattern) else str(source.folder / pattern)
        found.update(Path(p) for p in glob.glob(full, recursive=True) if os.path.isfile(p))
    return sorted(found)


def _bytes(path: Path, source: Source) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise SourceFailed(f"{_name(path, source)}: cannot be read ({e.strerror})") from None


def _name(path: Path, source: Source) -> str:
    """A file as messages name it: relative to the configuration's folder when inside it."""
    try:
        return path.relative_to(source.folder).as_posix()
    except ValueError:
        return str(path)


def _prefixed(say: Progress, name: str) -> Progress:
    return lambda step: say(f"{name}: {step}")


def _record(engine: Engine, source: Source, result: SourceResult, started: datetime) -> None:
    masked = {column: {_masked(value): count for value, count in values.items()}
              for column, values in unmapped_json(result.unmapped, source.feed).items()}
    try:
        record_run(engine, {
            "source": source.name, "adapter": source.adapter, "feed": source.feed.name,
            "status": result.status, "started_at": started, "finished_at": datetime.now(UTC),
            "inputs": json.dumps(result.inputs), **{c: getattr(result, c) for c in COUNTS},
            "unmapped": json.dumps(masked), "errors": json.dumps(result.errors)})
    except SQLAlchemyError as e:
        result.errors.append("could not record this run in the warehouse: "
                             f"{str(getattr(e, 'orig', e)).splitlines()[0]}")


def _masked(value: str) -> str:
    """An unmapped value as the warehouse keeps it: e-mail addresses, phone numbers and
    postcodes masked, in case a free-text column was mapped."""
    return pl.select(mask_text(pl.lit(value))).item()
