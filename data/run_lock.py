"""One `python -m pipelines run` at a time per warehouse.

PostgreSQL: a session advisory lock keyed by the schema in use, held by a connection of its
own for the whole run. SQLite: an exclusive `flock` on a file beside the database. Either is
released by the operating system or the server when the process ends, however it ends, so a
killed run never leaves the warehouse locked.
"""

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, func, select

# PostgreSQL advisory locks, each keyed by the schema in use (`warehouse_key`), so that two
# warehouses in one database never wait for each other. Loads hold 4242 (data.loads) and
# installing versions 4244 (data.versions), each for one transaction.
RUN_LOCK = 4243
SETUP_LOCK = 4245  # creating the tables (data.warehouse)
SETUP_WAIT_SECONDS = 600
POLL_SECONDS = 0.2


class RunLockTimeout(Exception):
    """Another run held the warehouse for longer than this one would wait."""


@contextmanager
def run_lock(engine: Engine, wait_seconds: float) -> Iterator[None]:
    """Hold the warehouse's run lock, waiting up to `wait_seconds` for another run to finish."""
    if engine.dialect.name == "postgresql":
        with _postgres_lock(engine, wait_seconds):
            yield
    elif engine.url.database and engine.url.database != ":memory:":
        with _file_lock(f"{engine.url.database}-run-lock", wait_seconds):
            yield
    else:
        yield  # an in-memory database belongs to this process alone


@contextmanager
def setup_lock(engine: Engine) -> Iterator[None]:
    """On PostgreSQL, one process at a time creates the warehouse's tables and seeds them: two
    first runs at once would otherwise both create the same table. (SQLite: `make_engine`
    retries instead, as a file lock cannot sit beside every SQLite URL.)"""
    if engine.dialect.name == "postgresql":
        with _postgres_lock(engine, SETUP_WAIT_SECONDS, SETUP_LOCK):
            yield
    else:
        yield


def warehouse_key(lock: int) -> tuple:
    """The two-part advisory lock key of `lock` for the warehouse (schema) a connection uses."""
    return lock, func.hashtext(func.current_schema())


@contextmanager
def _postgres_lock(engine: Engine, wait_seconds: float, lock: int = RUN_LOCK) -> Iterator[None]:
    key = warehouse_key(lock)
    with engine.connect() as conn:
        _wait(lambda: conn.execute(select(func.pg_try_advisory_lock(*key))).scalar_one(),
              wait_seconds)
        conn.commit()  # a session lock outlives the transaction; do not sit in one
        try:
            yield
        finally:
            conn.execute(select(func.pg_advisory_unlock(*key)))
            conn.commit()


@contextmanager
def _file_lock(path: str, wait_seconds: float) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _wait(lambda: _try_flock(fd), wait_seconds)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _wait(try_once, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while not try_once():
        if time.monotonic() >= deadline:
            raise RunLockTimeout(
                f"another pipelines run was still using this warehouse after {wait_seconds:g} s "
                "of waiting; nothing was done (run again later, or raise wait_seconds)")
        time.sleep(POLL_SECONDS)
