"""Test data that is expensive to build, built once for the whole run: by the first of test.sh's
processes (pytest-xdist workers) to ask for it, while the others wait, then read by all."""

import fcntl
import os
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder `name`, filled by `build(folder)` once per test run. Under xdist every worker's
    temporary folder sits in one folder of the run's own, which is where the build goes; a run
    without workers keeps it in its own temporary folder."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / f"once-{name}"
    with open(root / f"once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        finished = root / f"once-{name}.built"
        if not finished.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed part-way
            folder.mkdir()
            build(folder)
            finished.touch()
    return folder


def sqlite_copy(url: str, path: Path) -> str:
    """A copy at `path` of the SQLite warehouse at `url` (SQLite's own backup), and its URL: for
    tests that write to a warehouse built once."""
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as source, \
            closing(sqlite3.connect(path)) as target:
        source.backup(target)
    return f"sqlite:///{path}"
