"""PostgreSQL: a load holds its warehouse's lock for its whole transaction, and only its own
warehouse's: a second warehouse (another schema of the same database) loads at the same time,
while a second load of the first waits."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, select, text

from data.loads import LOAD_LOCK, open_log
from data.run_lock import warehouse_key
from data.warehouse import make_engine
from tests.conftest import POSTGRES_URL, SCHEMA, postgres_url

OTHER = f"{SCHEMA}_other"


@pytest.fixture
def two_warehouses(warehouse_url):
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {OTHER} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {OTHER}"))
    first = make_engine(postgres_url())
    second = make_engine(f"{POSTGRES_URL}?options=-csearch_path%3D{OTHER}")
    yield first, second
    first.dispose()
    second.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {OTHER} CASCADE"))
    admin.dispose()


def _free(engine) -> bool:
    """Whether a load of this warehouse could start now (tried without waiting)."""
    with engine.connect() as conn:
        return conn.execute(select(func.pg_try_advisory_xact_lock(
            *warehouse_key(LOAD_LOCK)))).scalar_one()


@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_a_load_holds_its_own_warehouse_only(two_warehouses):
    first, second = two_warehouses
    assert _free(first) and _free(second)
    now = datetime.now(UTC)
    with first.begin() as conn:
        open_log(conn, feed="contacts", source_system="canonical", file_name="a.csv",
                 sha256="0" * 64, started_at=now)
        assert not _free(first)  # another load of the same warehouse waits
        assert _free(second)  # the other warehouse's loads go ahead
        conn.rollback()
    assert _free(first)
