"""Small helpers for the ingest tests: write a CSV, load it, read tables back.

Every load made through `load` is checked for conservation and against its `load_log` row, so
each test that loads a file also checks those two rules of `docs/feeds.md`.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from data.models import LoadLog
from pipelines.ingest import LoadResult, ingest_file

TEST_KEY = "test-pseudonym-key-for-the-ingest-tests"
TABLES = {"contacts": "fct_contacts", "complaints": "fct_complaints",
          "satisfaction": "fct_survey_responses", "enquiries": "fct_enquiries"}
ID_COLUMNS = {"contacts": "contact_id", "complaints": "complaint_id",
              "satisfaction": "response_id", "enquiries": "enquiry_id"}


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """A CSV file's text; cells must not need quoting (tests keep them plain)."""
    for cell in [*header, *(c for r in rows for c in r)]:
        assert "," not in cell and '"' not in cell and "\n" not in cell, cell
    return "".join(",".join(r) + "\n" for r in [header, *rows])


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def load(engine: Engine, feed: str, tmp_path: Path, name: str, content: str | bytes,
         source_system: str = "canonical") -> LoadResult:
    """Write `content` to tmp_path/name and ingest it; check conservation and the load log."""
    result = ingest_file(engine, feed, write(tmp_path, name, content), source_system)
    check_accounted(engine, result)
    return result


def check_accounted(engine: Engine, result: LoadResult) -> None:
    assert result.rows_read == (result.rows_inserted + result.rows_updated
                                + result.rows_unchanged + result.rows_quarantined), result
    if result.status != "loaded":
        assert (result.rows_read, result.rows_inserted, result.rows_updated,
                result.rows_unchanged, result.rows_quarantined) == (0, 0, 0, 0, 0), result
    logged = rows(engine, "load_log", order_by="load_id")[-1]
    assert logged["file_name"] == result.file
    assert logged["status"] == result.status
    assert {k: logged[k] for k in ("rows_read", "rows_inserted", "rows_updated",
                                   "rows_unchanged", "rows_quarantined")} == {
        "rows_read": result.rows_read, "rows_inserted": result.rows_inserted,
        "rows_updated": result.rows_updated, "rows_unchanged": result.rows_unchanged,
        "rows_quarantined": result.rows_quarantined}
    assert json.loads(logged["errors"]) == result.errors


def rows(engine: Engine, table: str, order_by: str | tuple[str, ...] | None = None) -> list[dict]:
    """Every row of a warehouse table as dicts; timestamps as UTC-aware datetimes."""
    t = SQLModel.metadata.tables[table]
    query = select(t)
    if order_by:
        for name in (order_by,) if isinstance(order_by, str) else order_by:
            query = query.order_by(t.c[name])
    with engine.connect() as conn:
        return [{k: _utc(v) for k, v in r._mapping.items()} for r in conn.execute(query)]


def by_id(engine: Engine, feed: str) -> dict[str, dict]:
    """Fact rows of a feed keyed by id (source system `canonical` only)."""
    key = ID_COLUMNS[feed]
    return {r[key]: r for r in rows(engine, TABLES[feed])
            if r["source_system"] == "canonical"}


def _utc(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def utc(text: str) -> datetime:
    """'2024-01-10 09:00' read as a UTC instant (for expected values)."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def pseudonym(ref: str, key: str = TEST_KEY) -> str:
    """The pseudonym of `docs/feeds.md`, computed here independently: HMAC-SHA256, hex."""
    return hmac.new(key.encode(), ref.encode(), hashlib.sha256).hexdigest()


def tables_containing(engine: Engine, needle: str) -> list[str]:
    """Names of the warehouse tables with `needle` anywhere in any cell."""
    found = []
    for name, table in SQLModel.metadata.tables.items():
        with engine.connect() as conn:
            cells = [str(v) for r in conn.execute(select(table)) for v in r]
        if any(needle in c for c in cells):
            found.append(name)
    return found


def quarantined(engine: Engine) -> list[dict]:
    """Quarantine rows in load and row order, with `reasons` decoded."""
    out = rows(engine, "quarantine_rows", order_by=("load_id", "row_number"))
    for r in out:
        r["reasons"] = json.loads(r["reasons"])
    return out


def load_log(engine: Engine) -> list[dict]:
    return rows(engine, LoadLog.__tablename__, order_by="load_id")
