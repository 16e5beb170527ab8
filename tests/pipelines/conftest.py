"""Fixtures of the pipelines tests."""

import re
import uuid

import pytest
from sqlalchemy import create_engine, text


@pytest.fixture
def own_warehouse_url(warehouse_url):
    """The fixture's empty warehouse, with no tables yet; on PostgreSQL in a new schema of the
    test's own: the shared test schema is emptied by every PostgreSQL test of every suite
    running on the server at the time, and the processes these tests start outlive a test of
    theirs."""
    if not warehouse_url.startswith("postgresql"):
        yield warehouse_url
        return
    schema = f"own_{uuid.uuid4().hex[:12]}"
    url, found = re.subn(r"search_path%3D\w+", f"search_path%3D{schema}", warehouse_url)
    assert found == 1, warehouse_url
    admin = create_engine(warehouse_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        yield url
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    finally:
        admin.dispose()
