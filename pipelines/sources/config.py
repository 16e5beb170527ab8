"""Reading `sources.toml`: every source's adapter, feed, inputs and mapping, checked before
anything is processed.

A problem is a `ConfigError` whose message names the file, the source and the key, in words a
data officer can act on. Paths are relative to the file's folder; secrets never stand in the
file: a key ending in `_env` names the environment variable that holds one. docs/sources.md
describes every key.
"""

import codecs
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from data.vocabulary import LONDON
from pipelines.feeds import FEEDS, Column, Feed
from pipelines.parse import FALSE, TRUE

ADAPTERS = ("canonical", "csv", "open311", "call_legs", "survey")
NAME = re.compile(r"[a-z0-9_-]{1,40}")
DEFAULT_WAIT_SECONDS = 600.0
# The fields of a call's legs that the call_legs adapter reads (sources.md).
LEG_FIELDS = ("call_id", "leg_id", "started_at", "queued_at", "dequeued_at", "queue_seconds",
              "agent_connected_at", "answered", "handle_seconds", "queue", "updated_at")
# A call's id and start may be named as the contact's own columns instead.
LEG_FALLBACKS = {"call_id": "contact_id", "started_at": "received_at"}
# sources.md names stage an enum column, although feeds.md types it as a number.
ENUM_NUMBERS = {"stage": ("1", "2")}
# Columns whose values never go through a value map: it would list raw identifiers or text.
UNMAPPABLE = ("customer_ref", "comment")

MAPPING_KEYS = ("columns", "constants", "defaults", "values", "classify", "exclude",
                "datetime_format", "date_format", "timezone", "nulls")
CSV_KEYS = ("encoding", "delimiter", "header_rows")
PULL_KEYS = ("url", "since", "window_days", "overlap_days", "page_size", "params", "api_key_env",
             "timeout_seconds", "backoff_seconds")
KEYS = {
    "canonical": ("path",),
    "csv": ("path", *MAPPING_KEYS, *CSV_KEYS, "keep_latest_by"),
    "survey": ("path", *MAPPING_KEYS, *CSV_KEYS, "keep_latest_by"),
    "call_legs": ("path", *MAPPING_KEYS, *CSV_KEYS),
    "open311": ("path", *MAPPING_KEYS, *PULL_KEYS),
}
FEED_OF = {"open311": "contacts", "call_legs": "contacts", "survey": "satisfaction"}


class ConfigError(Exception):
    """The configuration cannot be used; nothing is processed."""


def match_key(text: str) -> str:
    """A source value as sources.md matches it (as feeds.md matches enums): trimmed, lower case,
    runs of spaces and hyphens read as one underscore."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


@dataclass(frozen=True)
class Pull:
    """How an Open311 source is pulled over HTTP."""

    url: str
    since: date | None = None
    window_days: int = 90
    overlap_days: int = 7
    page_size: int | None = None
    params: dict[str, str] = field(default_factory=dict)
    api_key_env: str | None = None
    timeout_seconds: float = 30.0
    backoff_seconds: float = 1.0


@dataclass(frozen=True)
class Source:
    """One configured export or endpoint of one council system."""

    name: str
    feed: Feed
    adapter: str
    folder: Path  # the configuration file's folder, which relative paths start from
    paths: tuple[str, ...] = ()  # globs, relative to `folder` unless absolute
    pull: Pull | None = None
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> {key: value}
    classify: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column -> keys
    datetime_formats: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()
    timezone: str = LONDON
    nulls: tuple[str, ...] = ()
    encoding: str = "utf-8"
    delimiter: str = ","
    header_rows: int = 1
    keep_latest_by: str | None = None

    def source_columns(self, canonical: str) -> tuple[str, ...]:
        return self.columns.get(canonical, ())


@dataclass(frozen=True)
class Config:
    file: Path
    sources: tuple[Source, ...]
    wait_seconds: float = DEFAULT_WAIT_SECONDS

    def chosen(self, names: list[str] | None) -> list[Source]:
        """The sources named (in the file's order), or all of them."""
        if not names:
            return list(self.sources)
        known = [s.name for s in self.sources]
        for name in names:
            if name not in known:
                raise ConfigError(f"{self.file}: no source named \"{name}\" (the file has: "
                                  f"{', '.join(known)})")
        return [s for s in self.sources if s.name in names]


def read_config(path: Path) -> Config:
    """The configuration in `path`, checked whole; ConfigError on the first problem."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not a valid TOML file ({e})") from None
    unknown = [k for k in document if k not in ("source", "wait_seconds")]
    if unknown:
        raise ConfigError(f"{path}: unknown key \"{unknown[0]}\" (the file holds [[source]] "
                          "tables and optionally wait_seconds)")
    tables = document.get("source")
    if not isinstance(tables, list) or not tables or not all(isinstance(t, dict)
                                                             for t in tables):
        raise ConfigError(f"{path}: no [[source]] table: the file must describe at least one "
                          "source")
    wait = document.get("wait_seconds", DEFAULT_WAIT_SECONDS)
    if isinstance(wait, bool) or not isinstance(wait, int | float) or wait < 0:
        raise ConfigError(f"{path}: key \"wait_seconds\": must be a number of seconds, 0 or more")
    folder = path.resolve().parent
    sources = tuple(_Reader(path, i, table, folder).source() for i, table in enumerate(tables))
    seen: set[str] = set()
    for source in sources:
        if source.name in seen:
            raise ConfigError(f"{path}: source \"{source.name}\", key \"name\": another source "
                              "has this name; names must be unique")
        seen.add(source.name)
    return Config(path, sources, float(wait))


def check_environment(source: Source) -> None:
    """The environment variables a source's `_env` keys name are set (checked for the sources
    a run processes, so that a run of other sources does not need them)."""
    if source.pull and source.pull.api_key_env and not os.environ.get(source.pull.api_key_env):
        raise ConfigError(f"source \"{source.name}\", key \"api_key_env\": the environment "
                          f"variable {source.pull.api_key_env} is not set")


class _Reader:
    """Checks one [[source]] table and builds its Source."""

    def __init__(self, path: Path, index: int, table: dict, folder: Path):
        self.path, self.table, self.folder = path, table, folder
        name = table.get("name")
        self.label = (f"source \"{name}\"" if isinstance(name, str) and name
                      else f"source #{index + 1}")

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: {self.label}, key \"{key}\": {problem}")

    def source(self) -> Source:
        name = self._text("name", required=True)
        if not NAME.fullmatch(name):
            raise self.fail("name", "must be 1 to 40 characters of a-z, 0-9, _ and -")
        adapter = self._text("adapter", required=True)
        if adapter not in ADAPTERS:
            raise self.fail("adapter", f"\"{adapter}\" is not one of {', '.join(ADAPTERS)}")
        feed_name = self._text("feed", required=True)
        if feed_name not in FEEDS:
            raise self.fail("feed", f"\"{feed_name}\" is not one of {', '.join(FEEDS)}")
        if adapter in FEED_OF and feed_name != FEED_OF[adapter]:
            raise self.fail("feed", f"the {adapter} adapter makes {FEED_OF[adapter]} rows")
        allowed = ("name", "feed", "adapter", *KEYS[adapter])
        for key in self.table:
            if key not in allowed:
                raise self.fail(key, f"not a key of the {adapter} adapter (it takes: "
                                     f"{', '.join(allowed)})")
        feed = FEEDS[feed_name]
        self.feed, self.adapter = feed, adapter
        paths = self._paths()
        pull = self._pull() if "url" in self.table else None
        if bool(paths) == bool(pull):
            raise self.fail("path", "give either path (files) or url (an Open311 endpoint)"
                            if adapter == "open311" else "the files to read are required")
        columns = self._columns()
        constants = self._fixed("constants")
        defaults = self._fixed("defaults")
        for column in constants:
            if column in columns:
                raise self.fail(f"constants.{column}", "also given in columns; a column comes "
                                                       "from one or the other")
        source = Source(
            name=name, feed=feed, adapter=adapter, folder=self.folder, paths=paths, pull=pull,
            columns=columns, constants=constants, defaults=defaults, values=self._values(),
            classify=self._classify(), exclude=self._exclude(),
            datetime_formats=self._formats("datetime_format"),
            date_formats=self._formats("date_format"), timezone=self._timezone(),
            nulls=self._nulls(), encoding=self._encoding(), delimiter=self._delimiter(),
            header_rows=self._header_rows(), keep_latest_by=self._text("keep_latest_by"))
        self._check_required(source)
        return source

    # ---- plain values ---------------------------------------------------------------------

    def _text(self, key: str, required: bool = False) -> str | None:
        value = self.table.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty text")
        return value

    def _number(self, key: str, default, low: float, high: float | None = None,
                whole: bool = True):
        value = self.table.get(key, default)
        kinds = int if whole else int | float
        if isinstance(value, bool) or not isinstance(value, kinds) or value < low or (
                high is not None and value > high):
            span = f"from {low:g} to {high:g}" if high is not None else f"{low:g} or more"
            raise self.fail(key, f"must be {'a whole number' if whole else 'a number'} {span}")
        return value

    def _texts(self, key: str, value) -> tuple[str, ...]:
        """A text or a non-empty list of texts."""
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(
                isinstance(i, str) and i.strip() for i in items):
            raise self.fail(key, "must be a text or a list of texts")
        return tuple(items)

    def _scalar(self, key: str, value) -> str:
        """A value written in the file as text, a whole number or true/false, as text."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | str):
            return str(value)
        raise self.fail(key, "must be a text, a whole number or true/false")

    # ---- inputs -----------------------------------------------------------------------------

    def _paths(self) -> tuple[str, ...]:
        if "path" not in self.table:
            return ()
        return self._texts("path", self.table["path"])

    def _pull(self) -> Pull:
        url = self._text("url")
        if not re.match(r"https?://", url):
            raise self.fail("url", "must be an http:// or https:// address")
        since = self.table.get("since")
        if isinstance(since, str):
            try:
                since = date.fromisoformat(since)
            except ValueError:
                raise self.fail("since", "must be a date, YYYY-MM-DD") from None
        elif since is not None and (not isinstance(since, date) or hasattr(since, "hour")):
            raise self.fail("since", "must be a date, YYYY-MM-DD")
        params = self.table.get("params", {})
        if not isinstance(params, dict):
            raise self.fail("params", "must be a table of query parameters")
        page_size = self.table.get("page_size")
        return Pull(
            url=url, since=since,
            window_days=self._number("window_days", 90, 1, 90),
            overlap_days=self._number("overlap_days", 7, 0),
            page_size=None if page_size is None else self._number("page_size", None, 1),
            params={k: self._scalar(f"params.{k}", v) for k, v in params.items()},
            api_key_env=self._text("api_key_env"),
            timeout_seconds=float(self._number("timeout_seconds", 30, 0.001, whole=False)),
            backoff_seconds=float(self._number("backoff_seconds", 1, 0, whole=False)))

    # ---- mapping ----------------------------------------------------------------------------

    def _known(self, key: str, column: str) -> Column | None:
        """The canonical column (None for a call leg's field); a ConfigError for anything
        else."""
        if column in {c.name for c in self.feed.columns}:
            return self.feed.column(column)
        if self.adapter == "call_legs" and key == "columns" and column in LEG_FIELDS:
            return None
        extra = f", or a call leg's field ({', '.join(LEG_FIELDS)})" if (
            self.adapter == "call_legs" and key == "columns") else ""
        raise self.fail(f"{key}.{column}", f"\"{column}\" is not a column of the "
                                           f"{self.feed.name} feed{extra}")

    def _table(self, key: str) -> dict:
        value = self.table.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table ([source." + key + "])")
        return value

    def _columns(self) -> dict[str, tuple[str, ...]]:
        columns = {}
        for column, spec in self._table("columns").items():
            self._known("columns", column)
            columns[column] = self._texts(f"columns.{column}", spec)
        return columns

    def _fixed(self, key: str) -> dict[str, str]:
        fixed = {}
        for column, value in self._table(key).items():
            col = self._known(key, column)
            fixed[column] = self._valid(f"{key}.{column}", col, self._scalar(
                f"{key}.{column}", value))
        return fixed

    def _valid(self, key: str, col: Column, value: str) -> str:
        """A canonical value written in the file, refused if an enum column cannot hold it."""
        allowed = enum_values(self.feed, col)
        if allowed is not None and match_key(value) not in allowed:
            raise self.fail(key, f"\"{value}\" is not a {col.name} value ("
                                 f"{', '.join(_shown(self.feed, col))})")
        if col.kind == "int" and not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise self.fail(key, f"\"{value}\" is not a whole number")
        return value

    def _values(self) -> dict[str, dict[str, str]]:
        maps = {}
        for column, mapping in self._table("values").items():
            col = self._known("values", column)
            if column in UNMAPPABLE:
                raise self.fail(f"values.{column}", f"{column} cannot have a value map (its "
                                                    "values are personal or free text)")
            if not isinstance(mapping, dict) or not mapping:
                raise self.fail(f"values.{column}", "must be a table of source value = "
                                                    "canonical value")
            maps[column] = self._keyed(f"values.{column}", {
                k: self._valid(f"values.{column}.{k}", col, self._scalar(
                    f"values.{column}.{k}", v)) for k, v in mapping.items()})
        return maps

    def _keyed(self, key: str, mapping: dict[str, object]) -> dict[str, object]:
        """The mapping by match_key of its keys; two keys that match alike must agree."""
        keyed: dict[str, object] = {}
        for source_value, target in mapping.items():
            k = match_key(source_value)
            if k in keyed and keyed[k] != target:
                raise self.fail(key, f"\"{source_value}\" matches another key, which maps "
                                     "elsewhere (keys are matched ignoring case, spaces and "
                                     "hyphens)")
            keyed[k] = target
        return keyed

    def _classify(self) -> dict[str, tuple[str, str | None]]:
        table = self._table("classify")
        if table and not {"reason", "demand_type"} <= {c.name for c in self.feed.columns}:
            raise self.fail("classify", f"the {self.feed.name} feed has no reason and "
                                        "demand_type to classify")
        entries = {}
        for reason, entry in table.items():
            key = f"classify.{reason}"
            if not isinstance(entry, dict) or set(entry) - {"demand_type", "failure_type"}:
                raise self.fail(key, "must be { demand_type = \"...\" } with, for failure "
                                     "demand, failure_type = \"...\"")
            demand = match_key(str(entry.get("demand_type", "")))
            if demand not in ("value", "failure"):
                raise self.fail(key, "demand_type must be value or failure")
            failure = entry.get("failure_type")
            if failure is not None and (demand != "failure" or not isinstance(failure, str)
                                        or not failure.strip()):
                raise self.fail(key, "failure_type is a text, and only for failure demand")
            entries[reason] = (demand, failure)
        return self._keyed("classify", entries)

    def _exclude(self) -> dict[str, tuple[str, ...]]:
        exclude = {}
        for column, spec in self._table("exclude").items():
            items = spec if isinstance(spec, list) else [spec]
            if not items:
                raise self.fail(f"exclude.{column}", "must list the values to exclude")
            exclude[column] = tuple(match_key(self._scalar(f"exclude.{column}", v))
                                    for v in items)
        return exclude

    # ---- reading options --------------------------------------------------------------------

    def _formats(self, key: str) -> tuple[str, ...]:
        if key not in self.table:
            return ()
        formats = self._texts(key, self.table[key])
        for f in formats:
            if "%" not in f:
                raise self.fail(key, f"\"{f}\" is not a strptime pattern (e.g. "
                                     "\"%d/%m/%Y %H:%M\")")
        return formats

    def _timezone(self) -> str:
        zone = self._text("timezone") or LONDON
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail("timezone", f"\"{zone}\" is not a time zone (e.g. Europe/London, "
                                        "America/Chicago, UTC)") from None
        return zone

    def _nulls(self) -> tuple[str, ...]:
        value = self.table.get("nulls", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail("nulls", "must be a list of texts, e.g. [\"?\", \"NULL\"]")
        return tuple(v.strip() for v in value)

    def _encoding(self) -> str:
        encoding = self._text("encoding") or "utf-8"
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise self.fail("encoding", f"\"{encoding}\" is not a text encoding (e.g. utf-8, "
                                        "cp1252)") from None
        return encoding

    def _delimiter(self) -> str:
        delimiter = self.table.get("delimiter", ",")
        if not isinstance(delimiter, str) or len(delimiter) != 1 or not delimiter.isascii() \
                or delimiter in "\"\r\n":
            raise self.fail("delimiter", "must be one character, such as \",\", \";\" or "
                                         "\"\\t\"")
        return delimiter

    def _header_rows(self) -> int:
        high = 3 if self.adapter == "survey" else None
        return self._number("header_rows", 1, 1, high)

    def _check_required(self, source: Source) -> None:
        if self.adapter == "call_legs":
            for leg, canonical in LEG_FALLBACKS.items():
                if leg not in source.columns and canonical not in source.columns:
                    raise self.fail(f"columns.{leg}", f"required by the call_legs adapter (or "
                                                      f"{canonical}, which it stands for)")
        if self.adapter not in ("csv", "survey"):
            return
        if source.keep_latest_by and self.feed.id_column not in source.columns:
            raise self.fail("keep_latest_by", f"needs the source column of "
                                              f"{self.feed.id_column} in columns, to know "
                                              "which records share an id")
        given = {*source.columns, *source.constants, *source.defaults}
        for column in self.feed.required:
            if column not in given:
                raise self.fail(f"columns.{column}", f"the {self.feed.name} feed requires "
                                                     f"{column}: name its source column in "
                                                     "columns, or give it in constants")


def enum_values(feed: Feed, col: Column | None) -> tuple[str, ...] | None:
    """The match keys of an enum column's valid values, "no value" words included (demand_type
    `unknown`); None for other columns."""
    if col is None:
        return None
    if col.kind == "enum":
        return (*col.values, *feed.null_values.get(col.name, ()))
    if col.kind == "bool":
        return (*TRUE, *FALSE)
    return ENUM_NUMBERS.get(col.name)


def _shown(feed: Feed, col: Column) -> tuple[str, ...]:
    return ("true", "false", "yes", "no") if col.kind == "bool" else enum_values(feed, col)
