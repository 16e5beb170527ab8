"""A re-sent file is answered before the load path is imported (`pipelines.resent`): the same
answer and the same load log record as the load path's own skip, on both warehouses, and
without polars, pandas, great-expectations or the models loading in the process (on SQLite,
without SQLAlchemy either)."""

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine

from data.load_log import LOAD_LOG
from data.models import LoadLog, WarehouseVersion
from data.sqlite_log import logged_if_loaded
from data.types import UtcDateTime
from data.versions import VERSIONS, read_versions
from data.vocabulary import FEED_NAMES
from data.warehouse import make_engine
from pipelines.feeds import FEEDS
from pipelines.ingest import ingest_file
from pipelines.resent import skipped_if_loaded
from pipelines.results import skipped, unloaded_record
from tests.pipelines.helpers import TEST_KEY, rows, write

ROOT = Path(__file__).resolve().parents[2]
CONTACTS = ("contact_id,received_at,channel,service\n"
            "C1,2024-01-10 09:00,phone,Waste\n"
            "C2,2024-01-10 09:30,email,Waste\n")
# What a re-send must not import: each takes from a tenth of a second to seconds.
HEAVY = ("polars", "pandas", "great_expectations", "sqlmodel", "sqlalchemy.orm")
# The load log's columns that differ between two records of the same skip.
WHEN = ("load_id", "started_at", "finished_at")


def _resend(url: str, path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "WAREHOUSE_URL": url, "ONCE_AND_DONE_PSEUDONYM_KEY": TEST_KEY}
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "pipelines", "ingest",
                           "contacts", str(path), "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _imported(importtime: str) -> set[str]:
    """The modules named in `python -X importtime` output."""
    return {line.rsplit("|", 1)[1].strip() for line in importtime.splitlines()
            if line.startswith("import time:") and "|" in line}


def test_a_resent_file_is_skipped_as_the_load_path_skips_it_without_the_heavy_imports(
        engine, warehouse_url, tmp_path):
    path = write(tmp_path, "march.csv", CONTACTS)
    assert ingest_file(engine, "contacts", path).status == "loaded"
    in_process = ingest_file(engine, "contacts", path)  # the load path's own skip
    with engine.connect() as conn:
        before = read_versions(conn)

    answered = _resend(warehouse_url, path)

    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout) == in_process.as_json() == {
        "feed": "contacts", "file": "march.csv", "status": "skipped", "rows_read": 0,
        "rows_inserted": 0, "rows_updated": 0, "rows_unchanged": 0, "rows_quarantined": 0,
        "errors": ["march.csv: these exact bytes were loaded before"]}
    imported = _imported(answered.stderr)
    assert "pipelines.resent" in imported  # the output was read right
    assert not [m for m in imported if m.split(".")[0] in HEAVY or m in HEAVY]
    # SQLite's look and record need the standard library alone (data.sqlite_log).
    assert ("sqlalchemy" in imported) == warehouse_url.startswith("postgresql")
    loaded, skipped_here, skipped_there = rows(engine, "load_log", order_by="load_id")
    assert loaded["status"] == "loaded"
    assert ({k: v for k, v in skipped_there.items() if k not in WHEN}
            == {k: v for k, v in skipped_here.items() if k not in WHEN})
    assert skipped_there["started_at"] <= skipped_there["finished_at"]
    assert skipped_there["finished_at"].tzinfo is not None
    with engine.connect() as conn:
        after = read_versions(conn)
    # The load log moved (the data quality page lists the skip); the contacts did not.
    assert after["loads"] == before["loads"] + 1
    assert {k: v for k, v in after.items() if k != "loads"} == {
        k: v for k, v in before.items() if k != "loads"}


def test_bytes_not_loaded_as_this_feed_from_this_system_go_to_the_load_path(
        engine, warehouse_url, tmp_path):
    path = write(tmp_path, "march.csv", CONTACTS)
    ingest_file(engine, "contacts", path)
    digest = rows(engine, "load_log")[0]["sha256"]

    assert skipped_if_loaded(warehouse_url, "contacts", "crm", "march.csv", digest) is None
    assert skipped_if_loaded(warehouse_url, "complaints", "canonical", "march.csv",
                             digest) is None
    assert skipped_if_loaded(warehouse_url, "contacts", "canonical", "march.csv",
                             "0" * 64) is None
    assert len(rows(engine, "load_log")) == 1  # nothing recorded for those
    found = skipped_if_loaded(warehouse_url, "contacts", "canonical", "again.csv", digest)
    assert found is not None and found.status == "skipped"
    assert [r["file_name"] for r in rows(engine, "load_log", order_by="load_id")] == [
        "march.csv", "again.csv"]


def test_the_answered_process_leaves_the_sqlite_warehouse_whole_in_its_file(tmp_path):
    # The program ends at once after a re-sent file's answer: its connection must be closed by
    # then, or the skip's record would wait in a `-wal` file that a copy of the warehouse
    # file alone would miss.
    folder = tmp_path / "warehouse"
    folder.mkdir()
    url = f"sqlite:///{folder / 'council.db'}"
    path = write(tmp_path, "march.csv", CONTACTS)
    loading = make_engine(url)
    assert ingest_file(loading, "contacts", path).status == "loaded"
    loading.dispose()
    assert [p.name for p in folder.iterdir()] == ["council.db"]

    answered = _resend(url, path)

    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout)["status"] == "skipped"
    assert [p.name for p in folder.iterdir()] == ["council.db"]
    bare = create_engine(url)
    try:
        with bare.connect() as conn:
            logged = conn.exec_driver_sql("SELECT file_name, status, started_at, finished_at "
                                          "FROM load_log ORDER BY load_id").all()
    finally:
        bare.dispose()
    assert [row[:2] for row in logged] == [("march.csv", "loaded"), ("march.csv", "skipped")]
    # The skip's instants are stored as SQLAlchemy stores the load's (UTC text, data.types).
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", instant)
               for row in logged for instant in row[2:]), logged


def test_the_sqlite_look_writes_nothing_unless_it_writes_all(tmp_path):
    # The look's record and the move of the `loads` version are one transaction: where the
    # second fails (here, a warehouse without its versions table), the first is not kept, and
    # the look says it could not tell, so that SQLAlchemy's way answers instead.
    url = f"sqlite:///{tmp_path / 'council.db'}"
    path = write(tmp_path, "march.csv", CONTACTS)
    loading = make_engine(url)
    assert ingest_file(loading, "contacts", path).status == "loaded"
    with loading.begin() as conn:
        conn.exec_driver_sql("DROP TABLE warehouse_versions")
        (digest,) = conn.exec_driver_sql("SELECT sha256 FROM load_log").one()
    loading.dispose()
    log = dict(feed="contacts", source_system="canonical", file_name="march.csv", sha256=digest,
               started_at=datetime.now(UTC))
    record = unloaded_record(log, skipped("contacts", "march.csv"))

    assert logged_if_loaded(tmp_path / "council.db", record) is None
    assert logged_if_loaded(tmp_path / "missing.db", record) is None
    assert not (tmp_path / "missing.db").exists()  # the look creates no warehouse
    assert logged_if_loaded(tmp_path / "council.db", {**record, "sha256": "0" * 64}) is False
    bare = create_engine(url)
    try:
        with bare.connect() as conn:
            assert conn.exec_driver_sql("SELECT status FROM load_log").all() == [("loaded",)]
    finally:
        bare.dispose()


def test_a_warehouse_without_tables_has_loaded_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert skipped_if_loaded(url, "contacts", "canonical", "march.csv", "0" * 64) is None
    bare = create_engine(url)
    try:
        with bare.connect() as conn:
            assert conn.exec_driver_sql("SELECT name FROM sqlite_master").all() == []
    finally:
        bare.dispose()


def test_the_light_declarations_match_the_models():
    assert FEED_NAMES == tuple(FEEDS)
    for light, model in ((LOAD_LOG, LoadLog.__table__), (VERSIONS, WarehouseVersion.__table__)):
        assert set(light.c.keys()) == set(model.c.keys())
        for name in light.c.keys():
            light_type, model_type = light.c[name].type, model.c[name].type
            # Timestamps are bound through UtcDateTime on both sides (one text format on
            # SQLite); the rest are the same kind of type (SQLModel's AutoString is a String).
            if isinstance(model_type, UtcDateTime):
                assert isinstance(light_type, UtcDateTime), name
            else:
                assert isinstance(getattr(model_type, "impl_instance", model_type),
                                  type(light_type)), name
