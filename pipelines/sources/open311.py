"""The `open311` adapter: GeoReport v2 service requests as contacts, from saved `requests.json`
files (each file one pull) or pulled over HTTP from the source's watermark.

A request's columns come from its standard fields unless `columns` says otherwise:
contact_id <- service_request_id, received_at <- requested_datetime, reason <- service_name,
service <- agency_responsible (a text, or the first of a list) or else service_name,
channel <- extended_attributes.channel, ward <- extended_attributes.ward. A request marked as a
duplicate (extended_attributes.duplicate true) is failure demand, `duplicate_report`. A request
returned more than once in one pull becomes one row: the copy updated last.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy import Connection, Engine

from data.sources import advance_watermark, read_watermark
from pipelines.parse import ROW, TRUE, RejectedFile, enum_key
from pipelines.sources.config import Source
from pipelines.sources.http import PullFailed, address, fetch, shown
from pipelines.sources.mapping import (
    POS,
    Translation,
    clean,
    excluded,
    field_names,
    finish,
    from_columns,
    instants,
    keep_latest,
    needs,
    protect,
)
from pipelines.sources.records import decode, list_in, records_of

LIST_KEYS = ("requests", "service_requests")
STANDARD = {
    "contact_id": "service_request_id",
    "received_at": "requested_datetime",
    "reason": "service_name",
    "channel": "extended_attributes.channel",
    "ward": "extended_attributes.ward",
}
AGENCY, FIRST_AGENCY = "agency_responsible", "agency_responsible.0"
UPDATED, DUPLICATE = "updated_datetime", "extended_attributes.duplicate"
NO_ID = "request without service_request_id (it has no id yet)"
MAX_PAGES = 10_000  # a server that ignores `page` would otherwise be read for ever
W3C = "%Y-%m-%dT%H:%M:%SZ"


@dataclass
class Pulled:
    """What one pull over HTTP fetched: every window and page, in order."""

    name: str  # the pull as messages and the load log name it
    urls: list[str]  # each request made, without secrets
    digest: str  # SHA-256 of the pages' bytes
    items: list


def translate_file(source: Source, data: bytes, name: str) -> Translation:
    """A saved `requests.json` (a list of requests, or an object holding one)."""
    text = decode(data, "utf-8", name)
    try:
        document = json.loads(text, parse_int=str, parse_float=str)
    except json.JSONDecodeError as e:
        raise RejectedFile(f"{name}: not valid JSON ({e.msg} at line {e.lineno} column "
                           f"{e.colno})") from None
    return translate_items(source, list_in(document, name, LIST_KEYS))


def translate_items(source: Source, items: list) -> Translation:
    """The requests of one pull (or saved file), as contacts."""
    records = records_of([_unwrapped(i) for i in items], _fields(source), protect(source))
    frame = records.frame.with_row_index(POS)
    kept = frame.filter(~excluded(frame, source))
    mapped = from_columns(kept, source)
    request_id = mapped.get("contact_id", clean(STANDARD["contact_id"], source))
    updated, _ = instants(kept.select(clean(UPDATED, source)).to_series(), source)
    latest = keep_latest(kept.with_columns(updated.alias("_updated")), request_id,
                         pl.col("_updated"))
    cells = latest.select(POS, *(e.alias(c) for c, e in _cells(mapped, source).items()))
    early = []
    if "contact_id" not in source.columns:
        early.append(latest.filter(clean(STANDARD["contact_id"], source).is_null()).select(
            POS, pl.lit("contact_id").alias("column"), pl.lit(NO_ID).alias("message")))
    translation = finish(source, records, cells, frame.height - kept.height,
                         kept.height - latest.height, early)
    translation.marks, _ = instants(records.frame.select(clean(STANDARD["received_at"], source))
                                    .to_series(), source)
    return translation


def _unwrapped(item):
    """Some servers wrap each request as {"request": {...}}."""
    if isinstance(item, dict) and list(item) == ["request"] and isinstance(item["request"], dict):
        return item["request"]
    return item


def _fields(source: Source) -> list[str]:
    return list(dict.fromkeys([*field_names(needs(source)), *STANDARD.values(), AGENCY,
                               FIRST_AGENCY, UPDATED, DUPLICATE]))


def _cells(mapped: dict[str, pl.Expr], source: Source) -> dict[str, pl.Expr]:
    """Each canonical column: from `columns` where given, else from the request's own fields."""
    agency = (pl.when(clean(FIRST_AGENCY, source).is_not_null()).then(clean(FIRST_AGENCY, source))
              .when(~clean(AGENCY, source).str.starts_with("[")).then(clean(AGENCY, source)))
    duplicate = enum_key(clean(DUPLICATE, source)).is_in(list(TRUE)).fill_null(False)
    own_demand = mapped.get("demand_type", pl.lit(None, pl.String))
    derived = {column: clean(field, source) for column, field in STANDARD.items()}
    derived["service"] = pl.coalesce(agency, clean(STANDARD["reason"], source))
    derived["demand_type"] = pl.when(duplicate).then(pl.lit("failure"))
    derived["failure_type"] = pl.when(duplicate & own_demand.is_null()).then(
        pl.lit("duplicate_report"))
    cells = dict(derived)
    for column, expr in mapped.items():
        cells[column] = pl.coalesce(expr, derived[column]) if column in derived else expr
    return cells


def watermark_hook(source: Source, translation: Translation):
    """Moves the source's watermark, inside the load, to the latest requested_datetime among
    the rows it loaded (never backwards)."""
    def advance(conn: Connection, good: pl.DataFrame) -> None:
        positions = translation.positions.gather(good.get_column(ROW))
        latest = translation.marks.gather(positions).max()
        if latest is not None:
            advance_watermark(conn, source.name, latest)
    return advance


# ---- pulling over HTTP ------------------------------------------------------------------------

def pull(engine: Engine, source: Source, api_key: str | None, now: datetime,
         progress=None) -> Pulled:
    """Every window of at most `window_days` from the start to now, and every page of each;
    PullFailed (nothing to load) if any request fails for good or answers something else than
    a list of requests."""
    spec = source.pull
    with engine.connect() as conn:
        watermark = read_watermark(conn, source.name)
    start = _start(source, watermark, now)
    urls, bodies, items = [], [], []
    for window_start, window_end in _windows(start, now, spec.window_days):
        for page in range(1, MAX_PAGES + 1):
            params = {**spec.params, "start_date": window_start.strftime(W3C),
                      "end_date": window_end.strftime(W3C)}
            if spec.page_size:
                params |= {"page": str(page), "page_size": str(spec.page_size)}
            if api_key:
                params["api_key"] = api_key
            url = address(spec.url, params)
            if progress:
                progress(f"fetching {shown(url)}")
            body = fetch(url, spec.timeout_seconds, spec.backoff_seconds)
            found = _page(body, shown(url))
            if spec.page_size and bodies and body == bodies[-1] and found:
                raise PullFailed(f"{shown(url)}: the same page came back as page {page - 1}; "
                                 "the server seems not to support page")
            urls.append(shown(url))
            bodies.append(body)
            items.extend(found)
            if not spec.page_size or len(found) < spec.page_size:
                break
    name = f"pull {start.strftime('%Y-%m-%dT%H:%MZ')}..{now.strftime('%Y-%m-%dT%H:%MZ')}"
    return Pulled(name, urls, hashlib.sha256(b"\n".join(bodies)).hexdigest(), items)


def _start(source: Source, watermark: datetime | None, now: datetime) -> datetime:
    """From the watermark less overlap_days; on the first pull from `since` (midnight in the
    source's time zone), or else one window back."""
    spec = source.pull
    if watermark is not None:
        return watermark - timedelta(days=spec.overlap_days)
    if spec.since is not None:
        midnight = datetime(spec.since.year, spec.since.month, spec.since.day,
                            tzinfo=ZoneInfo(source.timezone))
        return midnight.astimezone(UTC)
    return now - timedelta(days=spec.window_days)


def _windows(start: datetime, end: datetime, days: int) -> list[tuple[datetime, datetime]]:
    windows, step = [], timedelta(days=days)
    while True:
        window_end = min(start + step, end)
        windows.append((start, window_end))
        if window_end >= end:
            return windows
        start = window_end


def _page(body: bytes, url: str) -> list:
    try:
        document = json.loads(decode(body, "utf-8", url), parse_int=str, parse_float=str)
        return list_in(document, url, LIST_KEYS)
    except json.JSONDecodeError as e:
        raise PullFailed(f"{url}: the answer is not JSON ({e.msg} at line {e.lineno} column "
                         f"{e.colno})") from None
    except RejectedFile as e:
        raise PullFailed(str(e)) from None
