"""A load killed part-way leaves the warehouse as it was (`docs/feeds.md`: a file is loaded all or
nothing), and the same file then loads cleanly.

The load is the real command line (`python -m pipelines ingest contacts BIG.csv`) in its own
process, killed with a real SIGKILL part-way through its write transaction: on PostgreSQL once
the server shows that transaction done with the contact facts' rows and indexes and refreshing
stored neighbours or the marts; on SQLite, where nothing outside the process can see how far
the writes have got, about halfway through the transaction by the clock (0.6 times as long after
the "refreshing derived facts" line as validation took: on a quiet or a busy machine alike the
rest of the transaction takes as long as validation or longer) while the process holds the
write lock.
"""

import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from bench.feeds_gen import write_contacts_csv
from data.warehouse import make_engine
from pipelines.ingest import ingest_file

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIG_ROWS = 200_000
SMALL_ROWS = 3_000
CUSTOMERS = 50_000  # one pool for both files, so the big load moves stored contacts' neighbours
# Progress lines: validation runs before the transaction; INSIDE is printed inside it, before
# the facts are written.
VALIDATING, WRITING, INSIDE = "validating", "writing", "refreshing derived facts"
# SQLite: how long after INSIDE to kill, as a share of the time validation took (the rest of
# the transaction takes 1.1 to 1.5 times as long, on a quiet or a busy machine alike).
SQLITE_KILL_SHARE = 0.6
# Statements a PostgreSQL load runs after writing the contact facts (and rebuilding their
# indexes) and before its last two (the load_log update and COMMIT).
PG_PAST_THE_FACTS = re.compile(r"UPDATE fct_contacts|MAX\(received_at\)|"
                               r"FROM fct_contacts WHERE received_at|mart_contacts_monthly")
LOAD_LOCK = 4242  # data.loads: pg_advisory_xact_lock(4242, <schema>), held for the whole load
TIMEOUT = 120


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("crash")
    small = write_contacts_csv(folder / "contacts-small.csv", SMALL_ROWS, seed=1,
                               customers=CUSTOMERS)
    big = write_contacts_csv(folder / "contacts-big.csv", BIG_ROWS, seed=2, customers=CUSTOMERS)
    return small, big


def test_a_load_killed_part_way_changes_nothing_and_the_file_then_loads(own_warehouse_url,
                                                                         files):
    warehouse_url = own_warehouse_url
    small, big = files
    postgres = warehouse_url.startswith("postgresql")
    app_name = f"crash_safety_{uuid.uuid4().hex[:12]}"
    cli_url = f"{warehouse_url}&application_name={app_name}" if postgres else warehouse_url

    engine = make_engine(warehouse_url)
    first = ingest_file(engine, "contacts", small)
    engine.dispose()
    assert (first.status, first.rows_inserted) == ("loaded", SMALL_ROWS)
    before = snapshot(warehouse_url)
    neighbours_before = _neighbours(warehouse_url, small.name)
    assert before["fct_contacts"][0] == len(neighbours_before) == SMALL_ROWS

    load = subprocess.Popen(
        [sys.executable, "-m", "pipelines", "ingest", "contacts", str(big)], cwd=ROOT,
        env=_env(cli_url), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = _Lines(load)
    try:
        if postgres:
            where = _kill_past_the_facts(load, stderr, warehouse_url, app_name)
        else:
            where = _kill_inside_transaction(load, stderr, make_url(warehouse_url).database)
    finally:
        if load.poll() is None:
            load.kill()
        load.wait(TIMEOUT)
    assert load.returncode == -signal.SIGKILL, f"not killed ({where}): {stderr.text()}"
    print(f"killed {where}")
    if postgres:
        _wait_for_backend_to_go(warehouse_url, app_name)

    after = snapshot(warehouse_url)
    assert after == before, f"killed {where}: the warehouse changed"
    assert _load_log(warehouse_url, big.name) == []

    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "ingest", "contacts", str(big), "--json"], cwd=ROOT,
        env=_env(cli_url), capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "loaded"
    assert (result["rows_read"], result["rows_inserted"], result["rows_updated"],
            result["rows_unchanged"], result["rows_quarantined"]) == (BIG_ROWS, BIG_ROWS, 0, 0, 0)
    assert result["rows_read"] == (result["rows_inserted"] + result["rows_updated"]
                                   + result["rows_unchanged"] + result["rows_quarantined"])
    assert _load_log(warehouse_url, big.name) == [("loaded", BIG_ROWS, BIG_ROWS, 0, 0, 0)]
    # The killed load's scratch files (SQLite's large writes, data.bulk) went with the next load.
    assert not list(Path(tempfile.gettempdir()).glob(f"once-and-done-load-{load.pid}-*"))

    loaded = snapshot(warehouse_url)
    assert loaded["fct_contacts"][0] == SMALL_ROWS + BIG_ROWS
    assert loaded["quarantine_rows"][0] == 0
    assert _scalar(warehouse_url, "SELECT SUM(contacts) FROM mart_contacts_monthly") \
        == SMALL_ROWS + BIG_ROWS
    # The load rewrites rows that were there before it (their matter neighbours move) and the
    # marts: a kill that left any of that committed would have shown in the snapshot.
    moved = {k for k, v in _neighbours(warehouse_url, small.name).items()
             if v != neighbours_before[k]}
    assert len(moved) > 100
    assert loaded["mart_contacts_monthly"][1] != before["mart_contacts_monthly"][1]


# ---- the warehouse as it is ---------------------------------------------------------------------

def snapshot(url: str) -> dict[str, tuple]:
    """Every table's row count and a digest of its rows in primary-key order, and its indexes
    (a large load drops and rebuilds the fact table's)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = SQLModel.metadata.sorted_tables
            found = inspect(conn)
            return {table.name: (*_digest(conn, table),
                                 sorted(i["name"] for i in found.get_indexes(table.name)))
                    for table in tables}
    finally:
        engine.dispose()


def _digest(conn, table) -> tuple[int, str]:
    order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
    rows = conn.exec_driver_sql(f'SELECT * FROM "{table.name}" ORDER BY {order}').fetchall()
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(tuple(row)).encode())
    return len(rows), digest.hexdigest()


def _load_log(url: str, file_name: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(
                "SELECT status, rows_read, rows_inserted, rows_updated, rows_unchanged, "
                "rows_quarantined FROM load_log WHERE file_name = :name ORDER BY load_id"),
                {"name": file_name})]
    finally:
        engine.dispose()


def _neighbours(url: str, file_name: str) -> dict[str, tuple]:
    """contact_id -> (prev_matter_at, next_matter_at) of the contacts the file loaded."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {r[0]: tuple(r[1:]) for r in conn.execute(text(
                "SELECT contact_id, prev_matter_at, next_matter_at FROM fct_contacts "
                "WHERE load_id = (SELECT load_id FROM load_log WHERE file_name = :name)"),
                {"name": file_name})}
    finally:
        engine.dispose()


def _scalar(url: str, sql: str):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar_one()
    finally:
        engine.dispose()


# ---- the load in its own process ----------------------------------------------------------------

def _env(url: str) -> dict[str, str]:
    return {**os.environ, "WAREHOUSE_URL": url, "ONCE_AND_DONE_PROGRESS": "1"}


class _Lines:
    """The process's standard error, read as it comes."""

    def __init__(self, process: subprocess.Popen):
        self.lines: list[tuple[float, str]] = []  # (time.monotonic() when read, line)
        self._thread = threading.Thread(target=self._read, args=(process.stderr,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append((time.monotonic(), line))

    def seen(self, words: str) -> float | None:
        """When the first line with these words came, if it has."""
        return next((at for at, line in self.lines if words in line), None)

    def text(self) -> str:
        return "".join(line for _, line in self.lines)


def _wait_for(load: subprocess.Popen, stderr: _Lines, words: str) -> float:
    deadline = time.monotonic() + TIMEOUT
    while stderr.seen(words) is None:
        if load.poll() is not None:
            pytest.fail(f"the load ended (status {load.returncode}) before '{words}': "
                        f"{stderr.text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no '{words}' after {TIMEOUT} s: {stderr.text()}")
        time.sleep(0.02)
    return stderr.seen(words)


def _kill_inside_transaction(load: subprocess.Popen, stderr: _Lines, path: str) -> str:
    """SQLite: kill part-way through the transaction, while the load holds the write lock."""
    inside = _wait_for(load, stderr, INSIDE)
    validation = stderr.seen(WRITING) - stderr.seen(VALIDATING)
    delay = SQLITE_KILL_SHARE * validation
    time.sleep(max(inside + delay - time.monotonic(), 0))
    if load.poll() is not None or not _sqlite_write_locked(path):
        pytest.fail(f"the load was no longer writing {delay:.1f} s after '{INSIDE}' "
                    f"(lower SQLITE_KILL_SHARE): {stderr.text()}")
    load.send_signal(signal.SIGKILL)
    return f"{delay:.1f} s after '{INSIDE}' (validation took {validation:.1f} s), holding the " \
           "write lock"


def _sqlite_write_locked(path: str) -> bool:
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        assert "locked" in str(e) or "busy" in str(e), e
        return True
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


def _kill_past_the_facts(load: subprocess.Popen, stderr: _Lines, url: str,
                             app_name: str) -> str:
    """PostgreSQL: kill once the server shows the load's transaction past writing the facts."""
    _wait_for(load, stderr, INSIDE)
    engine = create_engine(url)
    seen = []
    try:
        deadline = time.monotonic() + TIMEOUT
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            while time.monotonic() < deadline and load.poll() is None:
                # The load's process may hold more than one connection (the key's check
                # before the load leaves one idle in its pool): the backend holding the load
                # lock is the load's.
                for query, locked in conn.execute(text(
                        "SELECT a.query, EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid "
                        "AND l.locktype = 'advisory' AND l.classid = :lock AND l.objsubid = 2 "
                        "AND l.granted) "
                        "FROM pg_stat_activity a WHERE a.application_name = :name"),
                        {"lock": LOAD_LOCK, "name": app_name}).all():
                    if not seen or seen[-1] != query:
                        seen.append(query)
                    if locked and PG_PAST_THE_FACTS.search(query):
                        load.send_signal(signal.SIGKILL)
                        return f"during: {query[:80]}"
                time.sleep(0.01)
    finally:
        engine.dispose()
    pytest.fail(f"never saw the load past writing the facts; statements seen: "
                f"{[q[:60] for q in seen]}; {stderr.text()}")


def _wait_for_backend_to_go(url: str, app_name: str) -> None:
    """The server rolls the transaction back when it notices its client is gone."""
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + TIMEOUT
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            while conn.execute(text("SELECT COUNT(*) FROM pg_stat_activity "
                                    "WHERE application_name = :name"),
                               {"name": app_name}).scalar_one():
                assert time.monotonic() < deadline, "the killed load's backend lingers"
                time.sleep(0.05)
    finally:
        engine.dispose()
