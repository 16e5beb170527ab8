"""Shared fixtures: a real warehouse on a throwaway SQLite file and on the local PostgreSQL.

PostgreSQL tests skip when no server answers, unless ONCE_AND_DONE_REQUIRE_POSTGRES=1 (set by
.ci/run), which turns a missing server into a failure.
"""

import os
import pickle
import sys

import pytest
from sqlalchemy import create_engine, text
from xdist.scheduler import LoadScopeScheduling

from data.warehouse import get_engine, make_engine
from pipelines.demo import build_demo
from tests.demo_sources import demo_sources
from tests.once import built_once

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# One schema per test process, so that two suites on one server never meet.
SCHEMA = f"once_and_done_test_{os.getpid()}"
REQUIRE_POSTGRES = os.environ.get("ONCE_AND_DONE_REQUIRE_POSTGRES") == "1"
DEMO_MONTHS = 2  # `demo_url`: 2023-11 and 2023-12


def postgres_url() -> str:
    """A URL whose connections work in a schema of their own, emptied for each test."""
    return f"{POSTGRES_URL}?options=-csearch_path%3D{SCHEMA}"


def _reset_postgres() -> None:
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    finally:
        admin.dispose()


def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'warehouse.db'}"


class _ModuleScheduling(LoadScopeScheduling):
    """How test.sh's two processes (pytest-xdist) share the suite: a module's tests stay in one
    process, so that its fixtures are built once; the browser tests, which share one demo
    warehouse, one server and one Chromium, stay together too. (xdist's own `loadgroup` marks
    do not reach pytest 9's node ids.)"""

    def _split_scope(self, nodeid: str) -> str:
        path = nodeid.split("::", 1)[0]
        return "tests/browser" if path.startswith("tests/browser/") else path


def pytest_xdist_make_scheduler(config, log):
    return _ModuleScheduling(config, log)


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_schema():
    yield
    try:
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        admin.dispose()
    except Exception:  # noqa: BLE001 (no server: nothing was created)
        pass


@pytest.fixture(params=["sqlite", "postgresql"])
def warehouse_url(request, tmp_path) -> str:
    """The URL of an empty warehouse, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    try:
        _reset_postgres()
    except Exception as e:  # noqa: BLE001 (any failure to connect means no server here)
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required (ONCE_AND_DONE_REQUIRE_POSTGRES=1) but: {e}")
        pytest.skip(f"no PostgreSQL server at {POSTGRES_URL}: {e}")
    return postgres_url()


@pytest.fixture
def engine(warehouse_url):
    """An empty warehouse (tables created, reference data seeded) on each backend."""
    engine = make_engine(warehouse_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = make_engine(sqlite_url(tmp_path))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def whole_demo(tmp_path_factory):
    """The whole demo council as (sources, targets, channel assumptions), built once per test
    run and shared by its processes."""
    def build(folder):
        with open(folder / "demo.pickle", "wb") as out:
            pickle.dump(demo_sources(folder / "feeds"), out)
    with open(built_once(tmp_path_factory, "whole-demo", build) / "demo.pickle", "rb") as saved:
        return pickle.load(saved)


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory):
    """Two months of the demo council (to 2023-12) in a SQLite warehouse, built once per test run
    and shared by its processes. Tests that write use a copy (`tests.once.sqlite_copy`)."""
    def build(folder):
        build_demo(get_engine(f"sqlite:///{folder / 'warehouse.db'}"), folder / "feeds",
                   months=DEMO_MONTHS)
    return f"sqlite:///{built_once(tmp_path_factory, 'app-demo', build) / 'warehouse.db'}"


@pytest.fixture(autouse=True)
def _main_module_kept():
    """AppTest runs a page as `__main__` and leaves it there; a demo build after it would then
    spawn workers that re-run that page as their main module and die (BrokenProcessPool)."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main
